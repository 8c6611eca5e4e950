/**
 * Connecticut's legal holidays (C.G.S. 1-4) as the state keeps them, and the working days of a
 * leave that spans one.
 */
import { describe, expect, it } from 'vitest';
import { dayOfWeek } from '../../domain/dates.js';
import { connecticutHolidays, easterSunday, isConnecticutHoliday } from '../../domain/holidays.js';
import { defaultPolicy, resolvePolicy } from '../../domain/policy.js';
import { leaveWorkingDays, minimumPeriodExtensionDays } from '../../domain/rules.js';

describe('Connecticut legal holidays', () => {
  it('lists the days of 2026 as the state keeps them, Independence Day on the Friday before', () => {
    expect(connecticutHolidays(2026)).toEqual([
      { date: '2026-01-01', name: "New Year's Day" },
      { date: '2026-01-19', name: 'Martin Luther King Jr. Day' },
      { date: '2026-02-12', name: "Lincoln's Birthday" },
      { date: '2026-02-16', name: "Washington's Birthday" },
      { date: '2026-04-03', name: 'Good Friday' },
      { date: '2026-05-25', name: 'Memorial Day' },
      { date: '2026-06-19', name: 'Juneteenth' },
      { date: '2026-07-03', name: 'Independence Day' },
      { date: '2026-09-07', name: 'Labor Day' },
      { date: '2026-10-12', name: 'Columbus Day' },
      { date: '2026-11-11', name: "Veterans' Day" },
      { date: '2026-11-26', name: 'Thanksgiving Day' },
      { date: '2026-12-25', name: 'Christmas Day' },
    ]);
  });

  it('keeps a Sunday holiday on the Monday after, and 1 January on a Saturday on 31 December before', () => {
    // 2028: 1 January is a Saturday, kept on Friday 31 December 2027; Christmas 2027 is a Saturday too.
    expect(isConnecticutHoliday('2027-12-31')).toBe(true);
    expect(isConnecticutHoliday('2027-12-24')).toBe(true);
    expect(connecticutHolidays(2028).some((h) => h.name === "New Year's Day")).toBe(false);
    // 2027: Independence Day is a Sunday, kept on Monday 5 July.
    expect(isConnecticutHoliday('2027-07-05')).toBe(true);
    expect(isConnecticutHoliday('2027-07-04')).toBe(false);
    // Juneteenth from 2023 only.
    expect(isConnecticutHoliday('2022-06-20')).toBe(false);
    expect(isConnecticutHoliday('2023-06-19')).toBe(true);
  });

  it('finds Easter by the Gregorian computus, and keeps every holiday on a weekday', () => {
    expect(['2024', '2025', '2026', '2027', '2038', '2285'].map((y) => easterSunday(Number(y)))).toEqual([
      '2024-03-31',
      '2025-04-20',
      '2026-04-05',
      '2027-03-28',
      '2038-04-25',
      '2285-03-22',
    ]);
    for (let year = 2000; year <= 2100; year++) {
      const days = connecticutHolidays(year);
      expect(days.length, String(year)).toBeGreaterThanOrEqual(year >= 2023 ? 12 : 11);
      for (const { date } of days) expect([1, 2, 3, 4, 5], date).toContain(dayOfWeek(date));
    }
  });
});

describe('the working days of a leave', () => {
  // Wednesday 25 to Monday 30 November 2026: four weekdays, Thanksgiving among them.
  const thanksgivingWeek = { from: '2026-11-25', to: '2026-11-30', kind: 'unpaid' as const };

  it('leaves the state holidays out, so three days of unpaid leave around Thanksgiving do not move the first anniversary', () => {
    expect(leaveWorkingDays(thanksgivingWeek, defaultPolicy)).toBe(3);
    expect(minimumPeriodExtensionDays(thanksgivingWeek, defaultPolicy)).toBe(0);
  });

  it('counts weekdays only for programs enrolled before the setting existed', () => {
    const before = { ...defaultPolicy };
    delete before.workingDaysExcludeStateHolidays;
    expect(leaveWorkingDays(thanksgivingWeek, before)).toBe(4);
    expect(minimumPeriodExtensionDays(thanksgivingWeek, before)).toBe(6);
    expect(leaveWorkingDays(thanksgivingWeek, resolvePolicy({ workingDaysExcludeStateHolidays: false }))).toBe(4);
  });
});
