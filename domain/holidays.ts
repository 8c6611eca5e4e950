/**
 * Connecticut's legal holidays (C.G.S. 1-4), the days a state employee does not work, for counting
 * the working days of a leave. Our reading of the statute, kept as data and rules here:
 *
 * - fixed dates: New Year's Day (1 January), Lincoln's Birthday (12 February), Juneteenth (19 June,
 *   from 2023, Public Act 22-128), Independence Day (4 July), Veterans' Day (11 November),
 *   Christmas (25 December);
 * - Martin Luther King Jr. Day, the first Monday on or after 15 January; Washington's Birthday, the
 *   third Monday of February; Memorial Day, the last Monday of May; Labor Day, the first Monday of
 *   September; Columbus Day, the second Monday of October; Thanksgiving, the fourth Thursday of
 *   November (the day the Governor appoints, by custom this one); Good Friday, two days before
 *   Easter Sunday (Gregorian computus);
 * - a holiday on a Sunday is kept on the Monday after it, and one on a Saturday on the Friday before
 *   it (so 1 January on a Saturday is kept on 31 December of the year before).
 *
 * Pure and sandbox-safe: no clock, no I/O.
 */
import { addDays, dayOfWeek as weekday, type CivilDate } from './dates.js';

const pad = (n: number): string => String(n).padStart(2, '0');
const civil = (year: number, month: number, day: number): CivilDate => `${year}-${pad(month)}-${pad(day)}`;

/** The n-th given weekday of a month (n = -1: the last). */
function nthWeekday(year: number, month: number, day: number, n: number): CivilDate {
  if (n > 0) {
    const first = civil(year, month, 1);
    const offset = (day - weekday(first) + 7) % 7;
    return addDays(first, offset + (n - 1) * 7);
  }
  const next = month === 12 ? civil(year + 1, 1, 1) : civil(year, month + 1, 1);
  const last = addDays(next, -1);
  return addDays(last, -((weekday(last) - day + 7) % 7));
}

/** Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm, "Meeus/Jones/Butcher"). */
export function easterSunday(year: number): CivilDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return civil(year, month, day);
}

/** A holiday on a weekend is kept on the nearest weekday: Friday before a Saturday, Monday after a Sunday. */
function observed(date: CivilDate): CivilDate {
  const day = weekday(date);
  return day === 6 ? addDays(date, -1) : day === 0 ? addDays(date, 1) : date;
}

/** The days Connecticut keeps its legal holidays in `year`, in date order (names in `holidayNames`). */
export function connecticutHolidays(year: number): { date: CivilDate; name: string }[] {
  const fixed: [number, number, string][] = [
    [1, 1, "New Year's Day"],
    [2, 12, "Lincoln's Birthday"],
    ...(year >= 2023 ? ([[6, 19, 'Juneteenth']] as [number, number, string][]) : []),
    [7, 4, 'Independence Day'],
    [11, 11, "Veterans' Day"],
    [12, 25, 'Christmas Day'],
  ];
  const days = [
    ...fixed.map(([month, day, name]) => ({ date: observed(civil(year, month, day)), name })),
    // New Year's Day of the next year, when it falls on a Saturday, is kept on 31 December of this one.
    ...(weekday(civil(year + 1, 1, 1)) === 6 ? [{ date: civil(year, 12, 31), name: "New Year's Day (observed)" }] : []),
    // The first Monday on or after 15 January is always the third Monday.
    { date: nthWeekday(year, 1, 1, 3), name: 'Martin Luther King Jr. Day' },
    { date: nthWeekday(year, 2, 1, 3), name: "Washington's Birthday" },
    { date: addDays(easterSunday(year), -2), name: 'Good Friday' },
    { date: nthWeekday(year, 5, 1, -1), name: 'Memorial Day' },
    { date: nthWeekday(year, 9, 1, 1), name: 'Labor Day' },
    { date: nthWeekday(year, 10, 1, 2), name: 'Columbus Day' },
    { date: nthWeekday(year, 11, 4, 4), name: 'Thanksgiving Day' },
  ];
  // 1 January on a Saturday is kept in the year before, not in this one.
  return days.filter((h) => h.date.startsWith(`${year}-`)).sort((x, y) => (x.date < y.date ? -1 : 1));
}

const byYear = new Map<number, Set<CivilDate>>();

/** Whether Connecticut keeps a legal holiday on `date`. */
export function isConnecticutHoliday(date: CivilDate): boolean {
  const year = Number(date.slice(0, 4));
  let days = byYear.get(year);
  if (!days) {
    days = new Set(connecticutHolidays(year).map((h) => h.date));
    byYear.set(year, days);
  }
  return days.has(date);
}
