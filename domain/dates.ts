/**
 * Civil dates ('YYYY-MM-DD') as DOMAIN.md defines them: calendar days in America/New_York.
 * Pure arithmetic on the proleptic Gregorian calendar, with no Intl or host time-zone data, so the
 * same answer comes out in the workflow sandbox, in Node and in ten years' time.
 */

/** A civil date, always written 'YYYY-MM-DD'. */
export type CivilDate = string;

const CIVIL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

interface Ymd {
  year: number;
  month: number; // 1..12
  day: number; // 1..31
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** True for a well-formed date that exists in the calendar (no 2023-02-29, no 2024-13-01). */
export function isCivilDate(value: string): boolean {
  const m = CIVIL_DATE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return year >= 1900 && year <= 2999 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function parse(date: CivilDate): Ymd {
  if (!isCivilDate(date)) throw new RangeError(`not a civil date (YYYY-MM-DD): ${date}`);
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) };
}

function format({ year, month, day }: Ymd): CivilDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Days since 1970-01-01 (negative before). */
function toEpochDay(date: CivilDate): number {
  const { year, month, day } = parse(date);
  return Math.round(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

function fromEpochDay(epochDay: number): CivilDate {
  const d = new Date(epochDay * MS_PER_DAY);
  return format({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
}

export function addDays(date: CivilDate, days: number): CivilDate {
  return fromEpochDay(toEpochDay(date) + days);
}

/** Calendar months later; a day past the end of the target month becomes its last day. */
export function addMonths(date: CivilDate, months: number): CivilDate {
  const { year, month, day } = parse(date);
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = (index % 12) + 1;
  return format({ year: targetYear, month: targetMonth, day: Math.min(day, daysInMonth(targetYear, targetMonth)) });
}

/** The n-th anniversary; 29 February falls on 28 February in a common year (DOMAIN.md, Dates). */
export function anniversary(date: CivilDate, years: number): CivilDate {
  return addMonths(date, years * 12);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: CivilDate, to: CivilDate): number {
  return toEpochDay(to) - toEpochDay(from);
}

export function compareDates(a: CivilDate, b: CivilDate): number {
  return a < b ? -1 : a > b ? 1 : 0; // ISO strings of equal length sort as dates
}

export const isBefore = (a: CivilDate, b: CivilDate): boolean => a < b;
export const isOnOrAfter = (a: CivilDate, b: CivilDate): boolean => a >= b;
export const minDate = (a: CivilDate, b: CivilDate): CivilDate => (a <= b ? a : b);
export const maxDate = (a: CivilDate, b: CivilDate): CivilDate => (a >= b ? a : b);

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: CivilDate): number {
  return (((toEpochDay(date) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/**
 * Monday-to-Friday days from `from` to `to`, both ends included, less the days `isHoliday` names
 * (domain/holidays.ts knows Connecticut's).
 */
export function workingDaysInclusive(from: CivilDate, to: CivilDate, isHoliday: (date: CivilDate) => boolean = () => false): number {
  let count = 0;
  for (let d = toEpochDay(from), end = toEpochDay(to); d <= end; d++) {
    const weekday = (((d + 4) % 7) + 7) % 7;
    if (weekday !== 0 && weekday !== 6 && !isHoliday(fromEpochDay(d))) count++;
  }
  return count;
}

// --- America/New_York ------------------------------------------------------------------------
// US daylight saving time since 2007 (Energy Policy Act of 2005): from 02:00 on the second Sunday
// of March to 02:00 on the first Sunday of November. Before 2007 the rule was first Sunday of April
// to last Sunday of October; programs start long after that, but dates before are handled too.

function nthSunday(year: number, month: number, n: number): number {
  const first = format({ year, month, day: 1 });
  const firstSunday = 1 + ((7 - dayOfWeek(first)) % 7);
  return firstSunday + (n - 1) * 7;
}

function lastSunday(year: number, month: number): number {
  const lastDay = daysInMonth(year, month);
  return lastDay - dayOfWeek(format({ year, month, day: lastDay }));
}

/** Whether midnight at the start of `date` falls in daylight saving time in New York. */
function midnightIsDaylightTime(date: CivilDate): boolean {
  const { year } = parse(date);
  const [startMonth, startDay, endMonth, endDay] =
    year >= 2007 ? [3, nthSunday(year, 3, 2), 11, nthSunday(year, 11, 1)] : [4, nthSunday(year, 4, 1), 10, lastSunday(year, 10)];
  // The switch happens at 02:00, so midnight of the first DST day is still standard time and
  // midnight of the last DST day is still daylight time.
  const start = format({ year, month: startMonth, day: startDay });
  const end = format({ year, month: endMonth, day: endDay });
  return date > start && date <= end;
}

/** The instant (epoch milliseconds) at which `date` begins in America/New_York. */
export function startOfDayInNewYork(date: CivilDate): number {
  const offsetHours = midnightIsDaylightTime(date) ? 4 : 5; // EDT is UTC-4, EST is UTC-5
  return toEpochDay(date) * MS_PER_DAY + offsetHours * 3_600_000;
}

/** The civil date in America/New_York at the instant `epochMs`. */
export function civilDateInNewYork(epochMs: number): CivilDate {
  const utcDay = fromEpochDay(Math.floor(epochMs / MS_PER_DAY));
  // The New York date is the UTC date or the day before it.
  return epochMs >= startOfDayInNewYork(utcDay) ? utcDay : addDays(utcDay, -1);
}
