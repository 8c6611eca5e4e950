/** How the CLI prints programs and tables for people (`--json` prints the API's answer as is). */
import type { ProgramView } from '../domain/view.js';

export function formatProgram(p: ProgramView): string {
  const rows = [
    `program            ${p.programId}`,
    `status             ${p.status}`,
    `agency / role      ${p.agency} / ${p.functionalRole}`,
    `supervisor / PM    ${p.supervisorId} / ${p.programManagerId}`,
    `target class       ${p.targetClassCode}`,
    `appointed          ${p.appointmentDate}`,
    `earliest reclass.  ${p.earliestReclassificationDate}`,
    `latest completion  ${p.latestCompletionDate}`,
    `schedule           ${p.schedule.dasApprovalRef} (approved ${p.schedule.approvedOn}), planned end ${p.schedule.plannedEndDate}`,
    `service rating     ${p.serviceRating ? `${p.serviceRating.rating} on ${p.serviceRating.ratedOn}` : 'none yet'}`,
    `qualification      ${p.qualification.meetsTargetClass === null ? 'not assessed' : p.qualification.meetsTargetClass ? 'meets the target class' : `${p.qualification.shortfallYears} years short`} (as of ${p.qualification.asOf})`,
  ];
  // Why not yet (DOMAIN.md decision 13): what reclassification still needs, and when it would come.
  rows.push(
    `reclassifies on    ${p.reclassifiesOn ?? 'not possible as things stand'}${p.reclassification ? '' : ' (if the rest is done in time)'}`,
  );
  rows.push('checklist');
  for (const item of p.checklist) rows.push(`  [${item.met ? 'x' : ' '}] ${item.requirement.padEnd(34)} ${item.detail}`);
  if (p.hrDecision) {
    rows.push(
      `HR decision        pending since ${p.hrDecision.requestedOn} on the unsatisfactory rating of ${p.hrDecision.ratedOn}${p.hrDecision.escalated ? ', escalated to DAS' : `; escalated on ${p.hrDecision.escalatesOn}`}`,
    );
  }
  if (p.scheduledRemoval) rows.push(`removal            confirmed, effective ${p.scheduledRemoval.effectiveOn}`);
  if (p.reclassification)
    rows.push(`reclassified       effective ${p.reclassification.effectiveOn} (notice ${p.reclassification.noticeId})`);
  if (p.ended) rows.push(`ended              ${p.ended.on} (${p.ended.reason})`);
  for (const r of p.progressReports) {
    rows.push(
      `report             period ending ${r.periodEnding}, submitted ${r.submittedOn}${r.reviewedOn ? `, reviewed ${r.reviewedOn} by ${r.reviewedBy ?? 'unknown'}` : ', awaiting review'}`,
    );
  }
  rows.push('milestones');
  for (const m of p.milestones) {
    const signed = m.status === 'signed-off' ? ` by ${m.signedOffBy} on ${m.signedOffOn}` : '';
    rows.push(`  ${m.id.padEnd(12)} ${m.dueDate}  ${m.status.padEnd(10)} ${m.title}${signed}`);
  }
  return rows.join('\n');
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function formatProgramTable(programs: ProgramView[], nextCursor: string | null): string {
  if (programs.length === 0) return 'no programs';
  const rows = programs.map((p) => [
    p.programId,
    p.status,
    p.agency,
    p.targetClassCode,
    p.appointmentDate,
    p.earliestReclassificationDate,
    p.latestCompletionDate,
    `${p.milestones.filter((m) => m.status === 'signed-off').length}/${p.milestones.length}`,
  ]);
  const shown = table(['program', 'status', 'agency', 'class', 'appointed', 'earliest', 'latest', 'signed'], rows);
  return nextCursor ? `${shown}\n\nmore: --cursor ${nextCursor}` : shown;
}
