import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addDays,
  addMonths,
  anniversary,
  civilDateInNewYork,
  compareDates,
  dayOfWeek,
  daysBetween,
  daysInMonth,
  isCivilDate,
  isLeapYear,
  startOfDayInNewYork,
  workingDaysInclusive,
} from '../../domain/dates.js';

const MS_PER_DAY = 86_400_000;
const HOUR = 3_600_000;

// --- An oracle that does not share code with domain/dates.ts: the host's Intl time-zone data. ---

const newYorkWallClock = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** The wall clock in New York at `epochMs`, per Intl: { date: 'YYYY-MM-DD', time: 'HH:MM:SS' }. */
function inNewYork(epochMs: number): { date: string; time: string } {
  const parts: Record<string, string> = {};
  for (const part of newYorkWallClock.formatToParts(new Date(epochMs))) parts[part.type] = part.value;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}:${parts.second}` };
}

/** 'YYYY-MM-DD' for a day count since 1970-01-01, via the built-in Date (independent of the code under test). */
const civilFromEpochDay = (epochDay: number): string => new Date(epochDay * MS_PER_DAY).toISOString().slice(0, 10);
const epochDayOf = (date: string): number => Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY;

const dateBetween = (from: string, to: string): fc.Arbitrary<string> =>
  fc.integer({ min: epochDayOf(from), max: epochDayOf(to) }).map(civilFromEpochDay);

describe('civil date arithmetic', () => {
  describe('addDays', () => {
    it.each([
      ['2025-01-31', 1, '2025-02-01'],
      ['2024-02-28', 1, '2024-02-29'],
      ['2023-02-28', 1, '2023-03-01'],
      ['2024-02-29', 1, '2024-03-01'],
      ['2024-12-31', 1, '2025-01-01'],
      ['2025-01-01', -1, '2024-12-31'],
      ['2024-03-01', -1, '2024-02-29'],
      ['2024-01-01', 366, '2025-01-01'],
      ['2025-01-01', 365, '2026-01-01'],
      ['2099-12-31', 1, '2100-01-01'],
      ['2025-06-15', 0, '2025-06-15'],
    ])('moves %s by %i days to %s', (date, days, expected) => {
      expect(addDays(date, days)).toBe(expected);
    });

    it('agrees with the built-in UTC calendar for any date and offset', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: epochDayOf('1950-01-01'), max: epochDayOf('2900-01-01') }),
          fc.integer({ min: -5000, max: 5000 }),
          (day, n) => {
            expect(addDays(civilFromEpochDay(day), n)).toBe(civilFromEpochDay(day + n));
          },
        ),
      );
    });

    it('is undone by daysBetween', () => {
      fc.assert(
        fc.property(dateBetween('1990-01-01', '2090-12-31'), fc.integer({ min: -3000, max: 3000 }), (date, n) => {
          expect(daysBetween(date, addDays(date, n))).toBe(n);
        }),
      );
    });

    it('rejects a date that does not exist', () => {
      expect(() => addDays('2023-02-29', 1)).toThrow(RangeError);
    });
  });

  describe('addMonths', () => {
    it.each([
      ['2025-01-31', 1, '2025-02-28'],
      ['2024-01-31', 1, '2024-02-29'],
      ['2024-03-31', -1, '2024-02-29'],
      ['2024-10-31', 1, '2024-11-30'],
      ['2024-12-15', 1, '2025-01-15'],
      ['2025-01-15', -1, '2024-12-15'],
      ['2025-08-31', 6, '2026-02-28'],
      ['2025-03-03', 37, '2028-04-03'],
      ['2025-03-03', -13, '2024-02-03'],
    ])('moves %s by %i months to %s, clamping to the end of a shorter month', (date, months, expected) => {
      expect(addMonths(date, months)).toBe(expected);
    });
  });

  describe('anniversary', () => {
    it('puts the anniversary of 29 February on 28 February in a common year', () => {
      expect(anniversary('2024-02-29', 1)).toBe('2025-02-28');
      expect(anniversary('2024-02-29', 3)).toBe('2027-02-28');
    });

    it('keeps 29 February in the next leap year', () => {
      expect(anniversary('2024-02-29', 4)).toBe('2028-02-29');
    });

    it('keeps the same month and day for any other date', () => {
      expect(anniversary('2025-03-03', 1)).toBe('2026-03-03');
      expect(anniversary('2025-12-31', 3)).toBe('2028-12-31');
    });
  });

  describe('isCivilDate', () => {
    it.each(['2024-02-29', '2000-02-29', '2025-12-31', '2025-01-01'])('accepts %s', (value) => {
      expect(isCivilDate(value)).toBe(true);
    });

    it.each([
      ['2023-02-29', 'a 29 February in a common year'],
      ['1900-02-29', 'a 29 February in a century year that is not a leap year'],
      ['2024-13-01', 'a thirteenth month'],
      ['2024-00-10', 'a month zero'],
      ['2024-04-31', 'a 31st day in a 30-day month'],
      ['2024-01-00', 'a day zero'],
      ['2024-4-01', 'an unpadded month'],
      ['2024-04-01T00:00', 'a date with a time'],
      ['', 'an empty string'],
    ])('rejects %s (%s)', (value) => {
      expect(isCivilDate(value)).toBe(false);
    });

    it('knows the Gregorian leap years', () => {
      expect([1900, 2000, 2023, 2024, 2100].map(isLeapYear)).toEqual([false, true, false, true, false]);
      expect(daysInMonth(2024, 2)).toBe(29);
      expect(daysInMonth(2023, 2)).toBe(28);
      expect(daysInMonth(2025, 4)).toBe(30);
      expect(daysInMonth(2025, 12)).toBe(31);
    });
  });

  describe('dayOfWeek', () => {
    it.each([
      ['1970-01-01', 4],
      ['1969-12-31', 3],
      ['2024-02-29', 4],
      ['2026-03-08', 0],
      ['2026-11-07', 6],
      ['2025-03-03', 1],
    ])('gives %s as weekday %i (0 = Sunday)', (date, weekday) => {
      expect(dayOfWeek(date)).toBe(weekday);
    });

    it('agrees with the built-in calendar for any date', () => {
      fc.assert(
        fc.property(dateBetween('1900-01-01', '2999-12-31'), (date) => {
          expect(dayOfWeek(date)).toBe(new Date(`${date}T00:00:00Z`).getUTCDay());
        }),
      );
    });
  });

  describe('workingDaysInclusive', () => {
    it.each([
      ['2026-03-02', '2026-03-06', 5, 'Monday to Friday'],
      ['2026-03-07', '2026-03-08', 0, 'a weekend'],
      ['2026-03-06', '2026-03-09', 2, 'Friday to Monday'],
      ['2026-03-02', '2026-03-02', 1, 'a single Monday'],
      ['2026-03-07', '2026-03-07', 0, 'a single Saturday'],
      ['2026-03-02', '2026-03-15', 10, 'two whole weeks'],
      ['2026-03-06', '2026-03-05', 0, 'a reversed range'],
    ])('counts %s to %s as %i working days (%s)', (from, to, expected) => {
      expect(workingDaysInclusive(from, to)).toBe(expected);
    });

    it('counts five working days in every seven consecutive days', () => {
      fc.assert(
        fc.property(dateBetween('1990-01-01', '2090-12-31'), fc.integer({ min: 1, max: 60 }), (from, weeks) => {
          expect(workingDaysInclusive(from, addDays(from, weeks * 7 - 1))).toBe(weeks * 5);
        }),
      );
    });
  });

  it('orders civil dates as dates', () => {
    expect(compareDates('2025-12-31', '2026-01-01')).toBe(-1);
    expect(compareDates('2026-01-01', '2025-12-31')).toBe(1);
    expect(compareDates('2026-01-01', '2026-01-01')).toBe(0);
  });
});

describe('days in America/New_York', () => {
  describe('at the 2026 daylight-saving transitions', () => {
    it.each([
      // 8 March 2026: clocks go forward at 02:00, so that day still starts at 00:00 EST (UTC-5)
      ['2026-03-08', '2026-03-08T05:00:00.000Z'],
      ['2026-03-09', '2026-03-09T04:00:00.000Z'],
      // 1 November 2026: clocks go back at 02:00, so that day still starts at 00:00 EDT (UTC-4)
      ['2026-11-01', '2026-11-01T04:00:00.000Z'],
      ['2026-11-02', '2026-11-02T05:00:00.000Z'],
    ])('starts %s at %s', (date, instant) => {
      expect(new Date(startOfDayInNewYork(date)).toISOString()).toBe(instant);
      expect(inNewYork(startOfDayInNewYork(date))).toEqual({ date, time: '00:00:00' });
    });

    it.each([
      ['2026-03-08T06:59:59.999Z', '2026-03-08'], // 01:59:59 EST
      ['2026-03-08T07:00:00.000Z', '2026-03-08'], // 03:00 EDT
      ['2026-03-09T03:59:59.999Z', '2026-03-08'], // 23:59:59 EDT
      ['2026-11-01T05:30:00.000Z', '2026-11-01'], // 01:30 EDT
      ['2026-11-01T06:30:00.000Z', '2026-11-01'], // 01:30 EST, the second time round
      ['2026-11-02T04:59:59.999Z', '2026-11-01'], // 23:59:59 EST
      ['2026-11-02T05:00:00.000Z', '2026-11-02'],
    ])('reads the instant %s as the New York date %s', (instant, date) => {
      expect(civilDateInNewYork(Date.parse(instant))).toBe(date);
    });
  });

  it('starts every day from 2007 to 2099 at midnight New York time, per Intl', () => {
    fc.assert(
      fc.property(dateBetween('2007-01-01', '2099-12-31'), (date) => {
        const start = startOfDayInNewYork(date);
        expect(inNewYork(start)).toEqual({ date, time: '00:00:00' });
        expect(inNewYork(start - 1)).toEqual({ date: addDays(date, -1), time: '23:59:59' });
        expect(civilDateInNewYork(start)).toBe(date);
        expect(civilDateInNewYork(start - 1)).toBe(addDays(date, -1));
      }),
      { numRuns: 5000 },
    );
  });

  it('gets every day around every March and November transition from 2007 to 2099 right, per Intl', () => {
    for (let year = 2007; year <= 2099; year++) {
      for (const [from, to] of [
        [`${year}-03-01`, `${year}-03-16`],
        [`${year}-10-25`, `${year}-11-09`],
      ] as const) {
        for (let date: string = from; date <= to; date = addDays(date, 1)) {
          const start = startOfDayInNewYork(date);
          expect(inNewYork(start), date).toEqual({ date, time: '00:00:00' });
          expect(civilDateInNewYork(start - 1), date).toBe(addDays(date, -1));
          expect(civilDateInNewYork(start), date).toBe(date);
        }
      }
    }
  });

  it('also follows the 1987–2006 rule (first Sunday in April to last Sunday in October), per Intl', () => {
    fc.assert(
      fc.property(dateBetween('1987-01-01', '2006-12-31'), (date) => {
        expect(inNewYork(startOfDayInNewYork(date))).toEqual({ date, time: '00:00:00' });
      }),
      { numRuns: 2000 },
    );
  });

  it('reads any instant from 2007 to 2099 as the date Intl shows in New York', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('2007-01-01T05:00:00Z'), max: Date.parse('2099-12-31T23:00:00Z') }), (epochMs) => {
        expect(civilDateInNewYork(epochMs)).toBe(inNewYork(epochMs).date);
      }),
      { numRuns: 5000 },
    );
  });

  it('makes every New York day 23, 24 or 25 hours long', () => {
    fc.assert(
      fc.property(dateBetween('2007-01-01', '2099-12-30'), (date) => {
        const hours = (startOfDayInNewYork(addDays(date, 1)) - startOfDayInNewYork(date)) / HOUR;
        expect([23, 24, 25]).toContain(hours);
      }),
    );
  });
});
