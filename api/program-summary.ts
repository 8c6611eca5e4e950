/**
 * A program on one page, as a PDF (GET /v1/programs/{programId}/summary): who, the dates that
 * matter (appointment, first anniversary, planned end, three-year cap), the reclassification
 * checklist and the milestones. Served, not printed by the browser, so the file is the same
 * wherever it is asked for (the web UI, the command line, a mail to a manager), always fits one
 * Letter page, and is read under the same rules as the program itself (404 for a program the
 * caller may not see). The web page's own print stylesheet serves printing the whole page.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import PDFDocument from 'pdfkit';
import { z } from 'zod';
import { longDate } from '../activities/notice-rendering.js';
import type { Pool } from 'pg';
import { findStaff } from '../db/staff-directory.js';
import { civilDateInNewYork, type CivilDate } from '../domain/dates.js';
import type { ProgramView } from '../domain/view.js';
import { API_ROLES } from './auth.js';
import { errorResponse, programParams } from './schemas.js';

const INK = '#1b1b1b';
const MUTED = '#4a4a4a';

const CHECKLIST_LABELS: Record<string, string> = {
  'milestones-signed-off': 'Every milestone signed off',
  'service-rated-satisfactory': 'Service rated satisfactory',
  'minimum-period-served': 'Minimum period of one year served',
  'meets-target-class-qualifications': "Meets the target class's minimum qualifications",
};
const MILESTONE_LABELS: Record<string, string> = { pending: 'Pending', overdue: 'Overdue', 'signed-off': 'Signed off' };

/** The longest text a line may carry before it is cut, so the page never runs over. */
const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function renderProgramSummaryPdf(program: ProgramView, asOf: CivilDate, names: ReadonlyMap<string, string>): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'LETTER',
    margin: 54,
    info: {
      Title: `Program summary: ${program.trainee.name} (${program.trainee.employeeId})`,
      Creator: 'Leadership Associate programs',
      CreationDate: new Date(`${asOf}T12:00:00Z`),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const bottom = doc.page.height - doc.page.margins.bottom;
  const person = (id: string): string => (names.get(id) ? `${names.get(id)} (${id})` : id);

  doc
    .font('Helvetica-Bold')
    .fontSize(9)
    .fillColor(MUTED)
    .text('STATE OF CONNECTICUT · LEADERSHIP ASSOCIATE DEVELOPMENT PROGRAM', left, 54, { characterSpacing: 0.5 });
  doc.moveDown(0.5);
  doc
    .font('Helvetica-Bold')
    .fontSize(16)
    .fillColor(INK)
    .text(clip(`Program summary: ${program.trainee.name} (${program.trainee.employeeId})`, 80), { width });
  doc
    .font('Helvetica')
    .fontSize(10)
    .fillColor(MUTED)
    .text(
      clip(
        `${program.functionalRole}, ${program.agency}, toward class ${program.targetClassCode}. Status: ${program.status}. As of ${longDate(asOf)}.`,
        200,
      ),
      { width },
    );
  doc.moveDown(0.8);

  const facts: [string, string][] = [
    ['Supervisor', person(program.supervisorId)],
    ['Program manager', person(program.programManagerId)],
    ['Appointed', longDate(program.appointmentDate)],
    ['First anniversary (earliest reclassification)', longDate(program.earliestReclassificationDate)],
    ['Planned end', longDate(program.schedule.plannedEndDate)],
    ['Three-year cap (C.G.S. 5-234)', longDate(program.latestCompletionDate)],
    ['DAS approval', `${program.schedule.dasApprovalRef}, ${longDate(program.schedule.approvedOn)}`],
    [
      'Service rating',
      program.serviceRating ? `${program.serviceRating.rating}, ${longDate(program.serviceRating.ratedOn)}` : 'Not yet rated',
    ],
  ];
  if (program.reclassification) facts.push(['Reclassified', longDate(program.reclassification.effectiveOn)]);
  if (program.ended) facts.push(['Ended', `${longDate(program.ended.on)} (${program.ended.reason})`]);
  heading(doc, 'Dates and people', left);
  for (const [label, value] of facts) {
    const top = doc.y;
    doc.font('Helvetica-Bold').fontSize(9.5).fillColor(INK).text(label, left, top, { width: 210 });
    const labelBottom = doc.y;
    doc.font('Helvetica').text(clip(value, 90), left + 218, top, { width: width - 218 });
    doc.y = Math.max(doc.y, labelBottom) + 2;
  }

  heading(doc, 'Reclassification checklist', left);
  for (const item of program.checklist) {
    doc
      .font('Helvetica-Bold')
      .fontSize(9.5)
      .fillColor(INK)
      .text(`${item.met ? 'Met' : 'Not yet'}: `, left, doc.y, { continued: true });
    doc.font('Helvetica').text(clip(`${CHECKLIST_LABELS[item.requirement] ?? item.requirement}. ${item.detail}`, 220), { width });
    doc.moveDown(0.15);
  }

  heading(doc, 'Milestones', left);
  const columns = [left, left + 300, left + 390];
  doc.font('Helvetica-Bold').fontSize(9).fillColor(MUTED);
  const headTop = doc.y;
  doc.text('Milestone', columns[0], headTop).text('Due', columns[1], headTop).text('Status', columns[2], headTop);
  doc.moveDown(0.2);
  // Rows stop where the page does: a schedule too long for one page says how many are left out.
  const rowHeight = 13;
  const room = Math.max(0, Math.floor((bottom - 30 - doc.y) / rowHeight));
  const shown = program.milestones.length > room ? program.milestones.slice(0, Math.max(0, room - 1)) : program.milestones;
  for (const m of shown) {
    const top = doc.y;
    const status = `${MILESTONE_LABELS[m.status] ?? m.status}${m.signedOffOn ? ` ${longDate(m.signedOffOn)}` : ''}`;
    doc.font('Helvetica').fontSize(9).fillColor(INK);
    doc.text(clip(`${m.id}: ${m.title}`, 58), columns[0], top, { width: 292, lineBreak: false });
    doc.text(longDate(m.dueDate), columns[1], top, { lineBreak: false });
    doc.text(clip(status, 36), columns[2], top, { lineBreak: false });
    doc.y = top + rowHeight;
  }
  if (shown.length < program.milestones.length) {
    doc
      .font('Helvetica-Oblique')
      .fontSize(9)
      .fillColor(MUTED)
      .text(`${program.milestones.length - shown.length} more milestones: see the program page.`, left, doc.y);
  }
  doc
    .font('Helvetica')
    .fontSize(8)
    .fillColor(MUTED)
    .text(`Program ${program.programId}, version ${program.version}.`, left, bottom - 10, { width, lineBreak: false });
  doc.end();
  return done;
}

function heading(doc: PDFKit.PDFDocument, text: string, left: number): void {
  doc.moveDown(0.6);
  doc.font('Helvetica-Bold').fontSize(11.5).fillColor(INK).text(text, left, doc.y);
  doc.moveDown(0.25);
}

export interface ProgramSummaryRoutesOptions {
  /** The program if the caller may see it, else the API's 404 (the server's own rule for reads). */
  visibleProgram: (request: FastifyRequest, programId: string) => Promise<ProgramView>;
  /** The staff directory, for the supervisor's and program manager's names. */
  db: Pool;
  /** Today in New York; tests may fix it. */
  today?: () => CivilDate;
}

export async function programSummaryRoutes(
  app: FastifyInstance,
  { visibleProgram, db, today = () => civilDateInNewYork(Date.now()) }: ProgramSummaryRoutesOptions,
): Promise<void> {
  const staffNames = async (ids: readonly string[]): Promise<Map<string, string>> =>
    new Map((await findStaff(db, { ids, limit: ids.length })).map((s) => [s.staffId, s.name]));
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/programs/:programId/summary',
    {
      schema: {
        tags: ['programs'],
        summary: 'The program on one page, as a PDF: people, dates, the reclassification checklist and the milestones',
        params: programParams,
        response: {
          200: {
            description: 'A one-page PDF (Letter)',
            content: {
              'application/pdf': {
                schema: z.custom<Buffer>((value) => Buffer.isBuffer(value)).meta({ type: 'string', contentMediaType: 'application/pdf' }),
              },
            },
          },
          400: errorResponse,
          401: errorResponse,
          403: errorResponse,
          404: errorResponse,
        },
      },
      config: { access: { kind: 'roles', roles: API_ROLES } },
    },
    async (request, reply) => {
      const program = await visibleProgram(request, request.params.programId);
      const pdf = await renderProgramSummaryPdf(program, today(), await staffNames([program.supervisorId, program.programManagerId]));
      return reply.type('application/pdf').header('content-disposition', `inline; filename="program-summary.pdf"`).send(pdf);
    },
  );
}
