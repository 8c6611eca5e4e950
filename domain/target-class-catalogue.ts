/**
 * The catalogue of approved designated target classes (DOMAIN.md decision 9): data only, each class
 * with the seed document that states it. Only classes whose code, pay plan and minimum
 * qualifications are found in `shared/seeds/` ship here; a class is added by adding an entry with
 * its source. Plain data (no zod, no I/O), so the workflow bundle and the API read the same file.
 */
import type { TargetClass } from './target-classes.js';

export const TARGET_CLASS_CATALOGUE: readonly TargetClass[] = [
  {
    code: '5257MP',
    title: 'Agency Labor Relations Specialist',
    payPlan: 'MP',
    salaryGroup: 'MP 63',
    annualSalary: { min: 94_907, max: 129_393 },
    minimumQualifications: {
      generalYears: 8,
      specialYears: 2,
      generalExperience: 'Professional experience in labor relations or human resources management.',
      specialExperience: 'Administration of investigations, progressive discipline or handling of grievances and arbitrations.',
      substitutions: {
        semesterHoursPerHalfYear: 15,
        maxCollegeYears: 4,
        // A Master's counts in human resources management, labor relations, business or public
        // administration or a closely related field, which HR confirms (decision 8).
        additionalYearsForDegree: { master: 1, law: 2 },
      },
    },
    source:
      'Class specification 5257MP, salary group MP 63 approved effective October 25, 2019; named as target class by the postings in seeds 001 and 002',
    seed: '004_22849505a9855cc5.txt',
  },
];
