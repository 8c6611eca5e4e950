/**
 * Given / when / then for the program's decider: given the events so far (an enrollment and what
 * followed), when a command arrives on a day, then these events, or these rules broken, or nothing
 * new. The history is stamped and replayed as the workflow does, and `when` runs `execute`, so the
 * time-driven rules a command makes due are among its events.
 */
import { expect } from 'vitest';
import type { CivilDate } from '../../domain/dates.js';
import { defaultPolicy, type PolicySettings } from '../../domain/policy.js';
import {
  decideEnrollment,
  execute,
  replay,
  stamp,
  type Actor,
  type EventDraft,
  type EventType,
  type ProgramCommand,
  type ProgramState,
} from '../../domain/program.js';
import type { Enrollment } from '../../domain/rules.js';
import { findTargetClass } from '../../domain/target-classes.js';

/** An event as a test expects it: its type, and as much of its data and actor as the test is about. */
export interface ExpectedEvent {
  type: EventType;
  data?: Record<string, unknown>;
  actor?: Partial<Actor>;
}

export interface Then {
  /** Accepted, causing exactly these events in this order. */
  then(...expected: ExpectedEvent[]): EventDraft[];
  /** Refused for these rules (`code`, and `field` when given), in this order; nothing recorded. */
  thenRejected(...expected: { code: string; field?: string }[]): void;
  /** Accepted and nothing new: the same request again. */
  thenNothingNew(): void;
}

export interface Given {
  readonly state: ProgramState;
  when(command: ProgramCommand, by: Actor, today: CivilDate): Then;
}

export interface DeciderSpecOptions {
  programId?: string;
  policy?: PolicySettings;
  enrolledBy?: Actor;
}

export function deciderSpec({
  programId = 'LA-SPEC-0001',
  policy = defaultPolicy,
  enrolledBy = { id: 'hr-7', role: 'hr' },
}: DeciderSpecOptions = {}) {
  return {
    given(enrollment: Enrollment, ...events: EventDraft[]): Given {
      const opened = decideEnrollment(enrollment, findTargetClass(enrollment.targetClassCode), policy, enrolledBy);
      if (!opened.ok) throw new Error(`test setup: the enrollment breaks ${opened.violations.map((v) => v.code).join(', ')}`);
      const state = replay(stamp(programId, 0, [...opened.events, ...events], `${enrollment.appointmentDate}T14:00:00.000Z`));
      if (!state) throw new Error('test setup: no events');
      return {
        state,
        when(command, by, today) {
          const result = execute(state, command, by, { today });
          return {
            then(...expected) {
              if (!result.ok)
                throw new Error(
                  `expected the command to be accepted; it breaks ${result.violations.map((v) => `${v.code} (${v.field})`).join(', ')}`,
                );
              expect(result.events.map((e) => e.type)).toEqual(expected.map((e) => e.type));
              expect(result.events).toMatchObject(expected);
              return result.events;
            },
            thenRejected(...expected) {
              if (result.ok) throw new Error(`expected a refusal; the command caused ${JSON.stringify(result.events.map((e) => e.type))}`);
              expect(result.violations).toMatchObject(expected);
              expect(result.violations).toHaveLength(expected.length);
            },
            thenNothingNew() {
              if (!result.ok)
                throw new Error(`expected the command to be accepted; it breaks ${result.violations.map((v) => v.code).join(', ')}`);
              expect(result.events).toEqual([]);
            },
          };
        },
      };
    },
  };
}
