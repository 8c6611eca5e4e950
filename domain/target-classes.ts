import { TARGET_CLASS_CATALOGUE } from './target-class-catalogue.js';

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
  /**
   * The file in shared/seeds/ that states the class. Absent in classes recorded in programs
   * enrolled before the catalogue became data (their enrollment events carry them as they were).
   */
  seed?: string;
}

/** The approved classes programs may be enrolled into: the catalogue, which is data. */
export const targetClasses: readonly TargetClass[] = TARGET_CLASS_CATALOGUE;

export function findTargetClass(code: string): TargetClass | undefined {
  return targetClasses.find((c) => c.code === code);
}
