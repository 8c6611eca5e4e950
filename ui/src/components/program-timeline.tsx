/**
 * One program's timeline, drawn with Observable Plot: the bar from appointment to the three-year
 * cap (the part served darker), today, the first anniversary (the minimum period), the planned end,
 * the cap and each milestone (shape and colour by status). Labels sit in stacked rows above the
 * bar: each goes in the lowest row where it does not run into the one before it, so labels never
 * collide, and a label near either edge is anchored inward so it is never cut off. Every mark is a
 * link to its row on the page (a milestone to its row in the milestones table, the first
 * anniversary to its line in the checklist, the cap to the summary).
 */
import * as Plot from '@observablehq/plot';
import type { JSX } from 'preact';
import type { CivilDate, ProgramView } from '../api-types.js';
import { formatDate, MILESTONE_STATUS_LABELS } from '../format.js';
import { PlotBox } from './plot.js';

type Kind =
  | 'today'
  | 'first-anniversary'
  | 'planned-end'
  | 'cap'
  | 'reclassified'
  | 'ended'
  | 'milestone-pending'
  | 'milestone-overdue'
  | 'milestone-signed-off';

interface TimelineEvent {
  date: Date;
  kind: Kind;
  /** The short label drawn above the bar. */
  tag: string;
  /** What a screen reader reads for the link, and the tooltip. */
  label: string;
  href: string;
  milestoneId?: string;
  lane: number;
  anchor: 'start' | 'middle' | 'end';
}

/** Where on the page each mark leads. */
export const milestoneAnchor = (id: string): string => `milestone-${id}`;
export const checklistAnchor = (requirement: string): string => `checklist-${requirement}`;
export const SUMMARY_CAP_ANCHOR = 'summary-cap';
export const RECLASSIFIES_ANCHOR = 'reclassifies-on';

const WIDTH = 960;
const MARGIN_LEFT = 16;
const MARGIN_RIGHT = 16;
const LANE_HEIGHT = 22;
const CHAR_WIDTH = 7.2;

const utc = (date: CivilDate): Date => new Date(`${date}T00:00:00Z`);
const RULES: readonly Kind[] = ['today', 'first-anniversary', 'planned-end', 'cap', 'reclassified', 'ended'];

function eventsOf(program: ProgramView, today: CivilDate): Omit<TimelineEvent, 'lane' | 'anchor'>[] {
  const events: Omit<TimelineEvent, 'lane' | 'anchor'>[] = [
    { date: utc(today), kind: 'today', tag: 'Today', label: `Today, ${formatDate(today)}`, href: `#${RECLASSIFIES_ANCHOR}` },
    {
      date: utc(program.earliestReclassificationDate),
      kind: 'first-anniversary',
      tag: 'Minimum',
      label: `First anniversary, the earliest reclassification: ${formatDate(program.earliestReclassificationDate)}`,
      href: `#${checklistAnchor('minimum-period-served')}`,
    },
    {
      date: utc(program.schedule.plannedEndDate),
      kind: 'planned-end',
      tag: 'Planned end',
      label: `Planned end ${formatDate(program.schedule.plannedEndDate)}`,
      href: `#${SUMMARY_CAP_ANCHOR}`,
    },
    {
      date: utc(program.latestCompletionDate),
      kind: 'cap',
      tag: 'Cap',
      label: `Three-year cap ${formatDate(program.latestCompletionDate)} (C.G.S. 5-234)`,
      href: `#${SUMMARY_CAP_ANCHOR}`,
    },
    ...program.milestones.map((m) => {
      const status = MILESTONE_STATUS_LABELS[m.status].toLowerCase();
      const when = m.signedOffOn
        ? ` ${formatDate(m.signedOffOn)}${m.signedOffBy ? ` by ${m.signedOffBy}` : ''}`
        : `, due ${formatDate(m.dueDate)}`;
      return {
        date: utc(m.signedOffOn ?? m.dueDate),
        kind: `milestone-${m.status}` as Kind,
        tag: m.id,
        label: `Milestone ${m.id} ${m.title}: ${status}${when}`,
        href: `#${milestoneAnchor(m.id)}`,
        milestoneId: m.id,
      };
    }),
  ];
  if (program.reclassification) {
    const on = program.reclassification.effectiveOn;
    events.push({
      date: utc(on),
      kind: 'reclassified',
      tag: 'Reclassified',
      label: `Reclassified ${formatDate(on)}`,
      href: `#${RECLASSIFIES_ANCHOR}`,
    });
  }
  if (program.ended)
    events.push({
      date: utc(program.ended.on),
      kind: 'ended',
      tag: 'Ended',
      label: `Ended ${formatDate(program.ended.on)} (${program.ended.reason})`,
      href: `#${RECLASSIFIES_ANCHOR}`,
    });
  return events;
}

/**
 * Lanes for the labels: sorted by date, each label takes the lowest lane whose last label ends
 * before it starts (with a gap). Labels near an edge are anchored inward, so none is cut off.
 */
export function placeLabels<T extends { date: Date; tag: string }>(
  events: readonly T[],
  x: (date: Date) => number,
): (T & { lane: number; anchor: 'start' | 'middle' | 'end' })[] {
  const laneEnds: number[] = [];
  return [...events]
    .sort((a, b) => a.date.getTime() - b.date.getTime())
    .map((event) => {
      const width = event.tag.length * CHAR_WIDTH + 10;
      const cx = x(event.date);
      const anchor = cx - width / 2 < MARGIN_LEFT ? 'start' : cx + width / 2 > WIDTH - MARGIN_RIGHT ? 'end' : 'middle';
      const left = anchor === 'start' ? cx : anchor === 'end' ? cx - width : cx - width / 2;
      let lane = laneEnds.findIndex((end) => end <= left);
      if (lane === -1) lane = laneEnds.push(0) - 1;
      laneEnds[lane] = left + width;
      return { ...event, lane: lane + 1, anchor };
    });
}

export function ProgramTimeline({
  id,
  program,
  today,
  title,
  description,
}: {
  id: string;
  program: ProgramView;
  today: CivilDate;
  title: string;
  description: string;
}): JSX.Element {
  const start = utc(program.appointmentDate);
  const cap = utc(program.latestCompletionDate);
  const now = utc(today);
  const first = Math.min(start.getTime(), now.getTime());
  const last = Math.max(cap.getTime(), now.getTime());
  const pad = (last - first) * 0.02;
  const domain: [Date, Date] = [new Date(first - pad), new Date(last + pad)];
  const x = (date: Date): number =>
    MARGIN_LEFT +
    ((date.getTime() - domain[0].getTime()) / (domain[1].getTime() - domain[0].getTime())) * (WIDTH - MARGIN_LEFT - MARGIN_RIGHT);
  const events = placeLabels(eventsOf(program, today), x);
  const lanes = Math.max(1, ...events.map((e) => e.lane));
  const height = 30 + (lanes + 1.5) * LANE_HEIGHT + 36;
  const elapsedEnd = now < start ? start : now > cap ? cap : now;
  const rules = events.filter((e) => RULES.includes(e.kind));
  const milestones = events.filter((e) => e.milestoneId);
  const byAnchor = (anchor: 'start' | 'middle' | 'end'): TimelineEvent[] => events.filter((e) => e.anchor === anchor);
  const text = (anchor: 'start' | 'middle' | 'end'): Plot.Markish =>
    Plot.text(byAnchor(anchor), {
      x: 'date',
      y: 'lane',
      text: 'tag',
      textAnchor: anchor,
      dx: anchor === 'start' ? 3 : anchor === 'end' ? -3 : 0,
      fontSize: 12,
      href: 'href',
      fill: 'currentColor',
      stroke: '#ffffff',
      strokeWidth: 4,
      paintOrder: 'stroke',
    });
  // The white halo keeps a label readable where a date's rule runs up past it to a higher row.

  return (
    <figure class="timeline timeline-single program-timeline" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`} class="visually-hidden">
        {title}
      </figcaption>
      <div class="timeline-scroll" role="region" aria-label={title} tabIndex={0}>
        <PlotBox
          deps={[program, today]}
          draw={() => {
            const svg = Plot.plot({
              width: WIDTH,
              height,
              marginLeft: MARGIN_LEFT,
              marginRight: MARGIN_RIGHT,
              marginTop: 10,
              marginBottom: 30,
              x: { type: 'utc', domain, label: null, ticks: 'year', tickFormat: '%Y', grid: true },
              y: { domain: [-0.8, lanes + 0.6], axis: null },
              marks: [
                Plot.rect([{ x1: start, x2: cap }], {
                  x1: 'x1',
                  x2: 'x2',
                  y1: -0.35,
                  y2: 0.35,
                  fill: '#d6e2ee',
                  rx: 3,
                  ariaHidden: 'true',
                }),
                Plot.rect([{ x1: start, x2: elapsedEnd }], {
                  x1: 'x1',
                  x2: 'x2',
                  y1: -0.35,
                  y2: 0.35,
                  fill: '#0b4f8a',
                  rx: 3,
                  ariaHidden: 'true',
                }),
                // Leader lines from each milestone up to its label, then the rules of the dates.
                Plot.ruleX(milestones, {
                  x: 'date',
                  y1: 0.35,
                  y2: (e: TimelineEvent) => e.lane - 0.35,
                  stroke: '#8893a0',
                  ariaHidden: 'true',
                }),
                ...(['solid', 'dashed'] as const).map((line) =>
                  Plot.ruleX(
                    rules.filter((e) => (e.kind === 'today') === (line === 'dashed')),
                    {
                      x: 'date',
                      y1: -0.6,
                      y2: (e: TimelineEvent) => e.lane - 0.35,
                      stroke: (e: TimelineEvent) => e.kind,
                      strokeWidth: 3,
                      ...(line === 'dashed' ? { strokeDasharray: '5,3' } : {}),
                      href: 'href',
                      ariaLabel: 'label',
                      title: 'label',
                    },
                  ),
                ),
                Plot.dot(milestones, {
                  x: 'date',
                  y: 0,
                  r: 7,
                  symbol: (e: TimelineEvent) =>
                    e.kind === 'milestone-overdue' ? 'triangle' : e.kind === 'milestone-signed-off' ? 'circle' : 'square',
                  fill: (e: TimelineEvent) => e.kind,
                  stroke: '#ffffff',
                  strokeWidth: 1.5,
                  href: 'href',
                  ariaLabel: 'label',
                  title: 'label',
                }),
                text('start'),
                text('middle'),
                text('end'),
              ],
              color: {
                domain: [
                  'today',
                  'first-anniversary',
                  'planned-end',
                  'cap',
                  'reclassified',
                  'ended',
                  'milestone-signed-off',
                  'milestone-pending',
                  'milestone-overdue',
                ],
                range: ['#1b1f24', '#1a6b32', '#4a535e', '#a4241b', '#1a6b32', '#4a535e', '#1a6b32', '#0b4f8a', '#a4241b'],
              },
              symbol: { domain: ['circle', 'square', 'triangle'], range: ['circle', 'square', 'triangle'] },
            });
            decorate(svg, id, title, description, events);
            return svg;
          }}
        />
      </div>
      <ul class="legend chart-legend" aria-label="Legend">
        <li>
          <span class="swatch" data-colour="milestone-signed-off" aria-hidden="true" />
          Milestone signed off (circle)
        </li>
        <li>
          <span class="swatch" data-colour="milestone-pending" aria-hidden="true" />
          Milestone pending (square)
        </li>
        <li>
          <span class="swatch" data-colour="milestone-overdue" aria-hidden="true" />
          Milestone overdue (triangle)
        </li>
        <li>
          <span class="swatch" data-colour="first-anniversary" aria-hidden="true" />
          Minimum: the first anniversary
        </li>
        <li>
          <span class="swatch" data-colour="cap" aria-hidden="true" />
          Three-year cap
        </li>
        <li>
          <span class="swatch" data-colour="today" aria-hidden="true" />
          Today (dashed)
        </li>
      </ul>
    </figure>
  );
}

/**
 * Names the drawing (title and description), tags each mark's link with what it marks, and takes
 * the labels' duplicate links out of the tab order and of what a screen reader reads.
 */
function decorate(
  svg: SVGSVGElement | HTMLElement,
  id: string,
  title: string,
  description: string,
  events: readonly TimelineEvent[],
): void {
  const ns = 'http://www.w3.org/2000/svg';
  svg.id = id;
  const titleNode = document.createElementNS(ns, 'title');
  titleNode.id = `${id}-title`;
  titleNode.textContent = title;
  const descNode = document.createElementNS(ns, 'desc');
  descNode.id = `${id}-desc`;
  descNode.textContent = description;
  svg.prepend(titleNode, descNode);
  svg.setAttribute('role', 'group');
  svg.setAttribute('aria-labelledby', `${id}-title`);
  svg.setAttribute('aria-describedby', `${id}-desc`);
  svg.removeAttribute('aria-label');
  const byLabel = new Map(events.map((e) => [e.label, e]));
  for (const anchor of Array.from(svg.querySelectorAll('a'))) {
    const shape = anchor.firstElementChild;
    if (shape?.tagName.toLowerCase() === 'text') {
      anchor.setAttribute('tabindex', '-1');
      anchor.setAttribute('aria-hidden', 'true');
      anchor.classList.add('mark-label');
      continue;
    }
    const event = byLabel.get(shape?.getAttribute('aria-label') ?? '');
    if (!event) continue;
    anchor.setAttribute('aria-label', event.label);
    shape?.removeAttribute('aria-label');
    anchor.classList.add('mark', `mark-${event.kind}`);
    anchor.setAttribute('data-kind', event.kind);
    if (event.milestoneId) anchor.setAttribute('data-milestone', event.milestoneId);
  }
}
