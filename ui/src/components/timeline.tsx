/**
 * Timelines drawn as SVG: one bar per program from appointment to the three-year cap, with the
 * first anniversary, the milestones (shape and colour by status), the planned end and today marked.
 * The SVG is an image with a text description; the tables beside it carry the same facts for
 * screen readers and keyboard users.
 */
import type { JSX } from 'preact';
import { daysBetween } from '../../../domain/dates.js';
import type { CivilDate, ProgramStatus, ProgramView } from '../api-types.js';
import { formatDate, MILESTONE_STATUS_LABELS } from '../format.js';

export type MarkKind =
  | 'first-anniversary'
  | 'working-test-period-end'
  | 'planned-end'
  | 'milestone-pending'
  | 'milestone-overdue'
  | 'milestone-signed-off'
  | 'reclassified'
  | 'ended'
  | 'cap';

export interface TimelineMark {
  date: CivilDate;
  kind: MarkKind;
  /** Read on hover and in the description. */
  label: string;
  /** A short tag drawn next to the mark on a single-program timeline (`m1`). */
  tag?: string;
  milestoneId?: string;
}

export interface TimelineBar {
  key: string;
  label: string;
  start: CivilDate;
  end: CivilDate;
  status: ProgramStatus;
  marks: TimelineMark[];
}

/** A program's bar: appointment to cap, with its dates and milestones. */
export function barOf(program: ProgramView, label = program.traineeEmployeeId): TimelineBar {
  const marks: TimelineMark[] = [
    {
      date: program.workingTestPeriodEndsOn,
      kind: 'working-test-period-end',
      label: `Working test period ends ${formatDate(program.workingTestPeriodEndsOn)}`,
      tag: 'WTP',
    },
    {
      date: program.earliestReclassificationDate,
      kind: 'first-anniversary',
      label: `First anniversary ${formatDate(program.earliestReclassificationDate)}`,
      tag: '1 yr',
    },
    {
      date: program.schedule.plannedEndDate,
      kind: 'planned-end',
      label: `Planned end ${formatDate(program.schedule.plannedEndDate)}`,
      tag: 'end',
    },
    {
      date: program.latestCompletionDate,
      kind: 'cap',
      label: `Three-year cap ${formatDate(program.latestCompletionDate)} (C.G.S. 5-234)`,
      tag: 'cap',
    },
    ...program.milestones.map((m): TimelineMark => {
      const status = MILESTONE_STATUS_LABELS[m.status].toLowerCase();
      const signed = m.signedOffOn
        ? ` ${formatDate(m.signedOffOn)}${m.signedOffBy ? ` by ${m.signedOffBy}` : ''}`
        : `, due ${formatDate(m.dueDate)}`;
      return {
        date: m.signedOffOn ?? m.dueDate,
        kind: `milestone-${m.status}`,
        label: `Milestone ${m.id} ${m.title}: ${status}${signed}`,
        tag: m.id,
        milestoneId: m.id,
      };
    }),
  ];
  if (program.reclassification) {
    marks.push({
      date: program.reclassification.effectiveOn,
      kind: 'reclassified',
      label: `Reclassified ${formatDate(program.reclassification.effectiveOn)}`,
      tag: 'reclass.',
    });
  }
  if (program.ended)
    marks.push({
      date: program.ended.on,
      kind: 'ended',
      label: `Ended ${formatDate(program.ended.on)} (${program.ended.reason})`,
      tag: 'ended',
    });
  return {
    key: program.programId,
    label,
    start: program.appointmentDate,
    end: program.latestCompletionDate,
    status: program.status,
    marks,
  };
}

const WIDTH = 960;
const AXIS_HEIGHT = 28;

interface TimelineProps {
  id: string;
  title: string;
  description: string;
  bars: readonly TimelineBar[];
  today: CivilDate;
  /** One program, drawn tall with its marks tagged; otherwise a compact cohort. */
  single?: boolean;
}

export function Timeline({ id, title, description, bars, today, single = false }: TimelineProps): JSX.Element | null {
  if (bars.length === 0) return null;
  const labelWidth = single ? 0 : 120;
  const rowHeight = single ? 104 : 20;
  const plotLeft = labelWidth + 8;
  const plotWidth = WIDTH - plotLeft - 12;
  let from = bars[0]?.start ?? today;
  let to = bars[0]?.end ?? today;
  for (const bar of bars) {
    if (bar.start < from) from = bar.start;
    if (bar.end > to) to = bar.end;
  }
  const span = Math.max(daysBetween(from, to), 1);
  const x = (date: CivilDate): number => plotLeft + (Math.min(Math.max(daysBetween(from, date), 0), span) / span) * plotWidth;
  const height = AXIS_HEIGHT + bars.length * rowHeight + 8;
  const years: CivilDate[] = [];
  for (let year = Number(from.slice(0, 4)) + 1; `${year}-01-01` <= to; year++) years.push(`${year}-01-01`);
  const todayShown = today >= from && today <= to;

  return (
    <figure class={`timeline${single ? ' timeline-single' : ''}`}>
      {/* On a phone the drawing keeps a readable size and scrolls sideways in its own box. */}
      <div class="timeline-scroll" role="region" aria-label={title} tabIndex={0}>
        <svg
          id={id}
          viewBox={`0 0 ${WIDTH} ${height}`}
          width="100%"
          role="img"
          aria-labelledby={`${id}-title ${id}-desc`}
          preserveAspectRatio="xMinYMin meet"
        >
          <title id={`${id}-title`}>{title}</title>
          <desc id={`${id}-desc`}>{description}</desc>
          <g class="axis">
            {years.map((year) => (
              <g key={year}>
                <line x1={x(year)} x2={x(year)} y1={AXIS_HEIGHT - 6} y2={height} class="gridline" />
                <text x={x(year) + 3} y={AXIS_HEIGHT - 10} class="axis-label">
                  {year.slice(0, 4)}
                </text>
              </g>
            ))}
          </g>
          {bars.map((bar, index) => {
            const top = AXIS_HEIGHT + index * rowHeight;
            const barTop = single ? top + 36 : top + 4;
            const barHeight = single ? 20 : rowHeight - 8;
            const middle = barTop + barHeight / 2;
            const elapsedEnd = today < bar.start ? bar.start : today > bar.end ? bar.end : today;
            return (
              <g key={bar.key} class={`bar bar-${bar.status}`} data-program={bar.key}>
                <title>{`${bar.label}: appointed ${formatDate(bar.start)}, cap ${formatDate(bar.end)}`}</title>
                {!single && (
                  <text x={labelWidth} y={middle + 4} class="bar-label" text-anchor="end">
                    {bar.label}
                  </text>
                )}
                <rect
                  x={x(bar.start)}
                  y={barTop}
                  width={Math.max(x(bar.end) - x(bar.start), 1)}
                  height={barHeight}
                  class="bar-span"
                  rx={3}
                />
                <rect
                  x={x(bar.start)}
                  y={barTop}
                  width={Math.max(x(elapsedEnd) - x(bar.start), 0)}
                  height={barHeight}
                  class="bar-elapsed"
                  rx={3}
                />
                {placeTags(bar.marks, x, single ? [barTop - 10, barTop + barHeight + 18, barTop - 26, barTop + barHeight + 34] : []).map(
                  ({ mark, tagY }, markIndex) => (
                    <Mark
                      key={`${mark.kind}-${mark.milestoneId ?? markIndex}`}
                      mark={mark}
                      cx={x(mark.date)}
                      cy={middle}
                      size={single ? 7 : 4.5}
                      tagY={tagY}
                    />
                  ),
                )}
              </g>
            );
          })}
          {todayShown && (
            <g class="today" data-date={today}>
              <line x1={x(today)} x2={x(today)} y1={AXIS_HEIGHT - 4} y2={height} />
              <text x={x(today) + 4} y={single ? height - 4 : AXIS_HEIGHT - 2} class="today-label">
                Today
              </text>
            </g>
          )}
        </svg>
      </div>
      <figcaption>
        <Legend single={single} />
      </figcaption>
    </figure>
  );
}

/**
 * Where each mark's tag goes: the first lane (above or below the bar) where it does not run into
 * the tag before it, so marks on nearby dates stay readable. No lanes: no tags (the cohort view).
 */
function placeTags(
  marks: readonly TimelineMark[],
  x: (date: CivilDate) => number,
  lanes: readonly number[],
): { mark: TimelineMark; tagY: number | null }[] {
  if (lanes.length === 0) return marks.map((mark) => ({ mark, tagY: null }));
  const laneEnds = lanes.map(() => -Infinity);
  const placed = new Map<TimelineMark, number | null>();
  for (const mark of [...marks].sort((a, b) => a.date.localeCompare(b.date))) {
    const halfWidth = ((mark.tag?.length ?? 0) * 8 + 8) / 2;
    const left = x(mark.date) - halfWidth;
    let lane = laneEnds.findIndex((end) => end <= left);
    if (lane === -1) lane = laneEnds.indexOf(Math.min(...laneEnds));
    laneEnds[lane] = x(mark.date) + halfWidth;
    placed.set(mark, lanes[lane] ?? null);
  }
  return marks.map((mark) => ({ mark, tagY: placed.get(mark) ?? null }));
}

function Mark({
  mark,
  cx,
  cy,
  size,
  tagY,
}: {
  mark: TimelineMark;
  cx: number;
  cy: number;
  size: number;
  tagY: number | null;
}): JSX.Element {
  return (
    <g class={`mark mark-${mark.kind}`} data-kind={mark.kind} {...(mark.milestoneId ? { 'data-milestone': mark.milestoneId } : {})}>
      <title>{mark.label}</title>
      <MarkShape kind={mark.kind} cx={cx} cy={cy} size={size} />
      {tagY !== null && mark.tag && (
        <text x={cx} y={tagY} class="mark-tag" text-anchor="middle">
          {mark.tag}
        </text>
      )}
    </g>
  );
}

/** Shape and colour both tell the kind, so colour is never the only cue. */
function MarkShape({ kind, cx, cy, size }: { kind: MarkKind; cx: number; cy: number; size: number }): JSX.Element {
  switch (kind) {
    case 'milestone-signed-off':
      return <circle cx={cx} cy={cy} r={size} class="shape" />;
    case 'milestone-pending':
      return <circle cx={cx} cy={cy} r={size - 1} class="shape" />;
    case 'milestone-overdue':
      return <path d={`M${cx} ${cy - size - 1} L${cx + size + 1} ${cy + size} L${cx - size - 1} ${cy + size} Z`} class="shape" />;
    case 'first-anniversary':
    case 'reclassified':
      return <path d={`M${cx} ${cy - size - 2} L${cx + size} ${cy} L${cx} ${cy + size + 2} L${cx - size} ${cy} Z`} class="shape" />;
    case 'planned-end':
    case 'ended':
      return <rect x={cx - size + 1} y={cy - size + 1} width={2 * size - 2} height={2 * size - 2} class="shape" />;
    case 'working-test-period-end':
      return <rect x={cx - 1.5} y={cy - size - 2} width={3} height={2 * size + 4} class="shape" />;
    case 'cap':
      return <rect x={cx - 2.5} y={cy - size - 4} width={5} height={2 * size + 8} class="shape" />;
  }
}

const LEGEND: { kind: MarkKind; label: string; single?: boolean }[] = [
  { kind: 'milestone-signed-off', label: 'Milestone signed off' },
  { kind: 'milestone-pending', label: 'Milestone pending' },
  { kind: 'milestone-overdue', label: 'Milestone overdue' },
  { kind: 'first-anniversary', label: 'First anniversary' },
  { kind: 'planned-end', label: 'Planned end' },
  { kind: 'working-test-period-end', label: 'Working test period ends', single: true },
  { kind: 'cap', label: 'Three-year cap' },
  { kind: 'reclassified', label: 'Reclassified' },
];

function Legend({ single }: { single: boolean }): JSX.Element {
  return (
    <ul class="legend">
      {LEGEND.filter((entry) => single || !entry.single).map((entry) => (
        <li key={entry.kind}>
          <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" class={`mark mark-${entry.kind}`}>
            <MarkShape kind={entry.kind} cx={8} cy={8} size={5} />
          </svg>
          {entry.label}
        </li>
      ))}
      <li>
        <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" class="today">
          <line x1={8} x2={8} y1={0} y2={16} />
        </svg>
        Today
      </li>
      <li>
        <svg width="24" height="16" viewBox="0 0 24 16" aria-hidden="true">
          <rect x={0} y={4} width={12} height={8} class="bar-elapsed" />
          <rect x={12} y={4} width={12} height={8} class="bar-span" />
        </svg>
        Time served, time to the cap
      </li>
    </ul>
  );
}

/** A sentence for the SVG's description: the program's dates and each milestone's state. */
export function describeProgram(program: ProgramView, today: CivilDate): string {
  const milestones = program.milestones
    .map(
      (m) =>
        `${m.id} ${MILESTONE_STATUS_LABELS[m.status].toLowerCase()}${m.signedOffOn ? ` on ${formatDate(m.signedOffOn)}` : `, due ${formatDate(m.dueDate)}`}`,
    )
    .join('; ');
  return (
    `Appointed ${formatDate(program.appointmentDate)}; first anniversary ${formatDate(program.earliestReclassificationDate)}; ` +
    `planned end ${formatDate(program.schedule.plannedEndDate)}; cap ${formatDate(program.latestCompletionDate)}; today ${formatDate(today)}. ` +
    `Milestones: ${milestones}.`
  );
}
