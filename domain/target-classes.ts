/**
 * The catalogue of approved designated target classes (DOMAIN.md rule 1), as data. Substitution
 * values differ between classes, so they live here with each class and not in code (rule 7).
 */

export type DegreeKind = 'bachelor' | 'master' | 'law';

/**
 * A degree as the enrollment gives it: the plain kind (a Master's so given means HR has confirmed
 * its field is one the class names), or the kind with its field and HR's finding on it
 * (DOMAIN.md decision 8).
 */
export type Degree = DegreeKind | { kind: DegreeKind; field?: string; relatedField?: boolean };

export const degreeKind = (degree: Degree): DegreeKind => (typeof degree === 'string' ? degree : degree.kind);

export interface MinimumQualifications {
  /** Years of general experience required (special experience counts toward these). */
  generalYears: number;
  /** Years of the general experience that must be of the special kind. */
  specialYears: number;
  generalExperience: string;
  specialExperience: string;
  substitutions: {
    /** Semester hours of college that equal half a year of general experience. */
    semesterHoursPerHalfYear: number;
    /** Most years that college training can stand for; a Bachelor's degree earns all of them. */
    maxCollegeYears: number;
    /** Additional years of general experience for each degree beyond a Bachelor's. */
    additionalYearsForDegree: Partial<Record<DegreeKind, number>>;
  };
}

export interface TargetClass {
  code: string;
  title: string;
  payPlan: 'MP';
  salaryGroup: string | null;
  annualSalary: { min: number; max: number } | null;
  /** null where the source documents do not state them; projections then say "not assessed". */
  minimumQualifications: MinimumQualifications | null;
  /** Where the facts come from, and what is still to be confirmed with DAS. */
  source: string;
}

const collegeSubstitutions = {
  semesterHoursPerHalfYear: 15,
  maxCollegeYears: 4,
  additionalYearsForDegree: { master: 1, law: 2 },
} as const;

export const targetClasses: readonly TargetClass[] = [
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
      specialExperience:
        'Administration of investigations, progressive discipline or handling of grievances and arbitrations.',
      substitutions: collegeSubstitutions,
    },
    source: 'Class specification 5257MP, Final No. 22-007 (seed 004)',
  },
  {
    code: 'LRPM',
    title: 'Labor Relations Program Manager',
    payPlan: 'MP',
    salaryGroup: null,
    annualSalary: null,
    minimumQualifications: {
      generalYears: 10,
      specialYears: 3,
      generalExperience: 'Professional experience in labor relations or human resources management.',
      specialExperience:
        'Managerial capacity with substantial responsibility serving as co-chair over collective bargaining agreements.',
      substitutions: collegeSubstitutions,
    },
    source:
      'Job posting for Labor Relations Program Manager (seed 003); class code and salary group are not in the source and are to be confirmed with DAS',
  },
  {
    code: 'LRA',
    title: 'Labor Relations Associate',
    payPlan: 'MP',
    salaryGroup: null,
    annualSalary: null,
    minimumQualifications: null,
    source:
      'Leadership Associate posting naming Labor Relations Associate as target class (seed 000); class code, salary group and minimum qualifications are to be confirmed with DAS',
  },
];

export function findTargetClass(code: string): TargetClass | undefined {
  return targetClasses.find((c) => c.code === code);
}
