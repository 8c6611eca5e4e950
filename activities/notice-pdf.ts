/**
 * A notice as a PDF letter, from the notice as it was issued (subject, body, recipients). The
 * delivery activity attaches it to the e-mail and the API serves it (`Accept: application/pdf`):
 * the same function over the same row, so both are the same bytes.
 */
import PDFDocument from 'pdfkit';
import type { CivilDate } from '../domain/dates.js';
import { longDate } from './notice-rendering.js';

/** What a letter needs of a notice; the `notices` row as the API reads it fits. */
export interface PrintableNotice {
  noticeId: string;
  issuedOn: CivilDate;
  subject: string;
  body: string;
  recipients: readonly { role: string; ref: string }[];
}

const RECIPIENT_LABELS: Record<string, string> = {
  trainee: 'Trainee',
  supervisor: 'Supervisor',
  'program-manager': 'Program manager',
  'agency-hr': 'Agency human resources',
  das: 'Department of Administrative Services',
};

/** A "Label: value" line of a facts block (see the `fact` helper of the text templates). */
const FACT_LINE = /^([^:\n]{1,40}): (.+)$/;

const INK = '#1b1b1b';
const MUTED = '#4a4a4a';

export function renderNoticePdf(notice: PrintableNotice): Promise<Buffer> {
  // A fixed creation date (and so a fixed file id) keeps the same notice the same bytes, whenever
  // and wherever it is rendered.
  const issued = new Date(`${notice.issuedOn}T12:00:00Z`);
  const doc = new PDFDocument({
    size: 'LETTER',
    margin: 72,
    info: { Title: notice.subject, Subject: `Notice ${notice.noticeId}`, Creator: 'Leadership Associate programs', CreationDate: issued },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;

  doc.font('Helvetica-Bold').fontSize(10).fillColor(INK).text('STATE OF CONNECTICUT', left, 72, { characterSpacing: 1 });
  doc.font('Helvetica').fontSize(9).fillColor(MUTED).text('Leadership Associate development program');
  doc.moveDown(0.4);
  doc
    .moveTo(left, doc.y)
    .lineTo(left + width, doc.y)
    .lineWidth(0.75)
    .strokeColor(MUTED)
    .stroke();
  doc.moveDown(0.6);
  doc.fontSize(9).fillColor(MUTED).text(`Notice ${notice.noticeId}`, left, doc.y, { continued: false });
  doc.text(`Issued ${longDate(notice.issuedOn)}`);
  doc.moveDown(1.2);
  doc.font('Helvetica-Bold').fontSize(14).fillColor(INK).text(notice.subject, left, doc.y, { width });
  doc.moveDown(0.8);

  for (const paragraph of notice.body.split(/\n{2,}/)) {
    const lines = paragraph.split('\n');
    if (lines.every((line) => FACT_LINE.test(line))) {
      writeFacts(doc, lines, left, width);
    } else if (lines.every((line) => line.startsWith('- '))) {
      doc.font('Helvetica').fontSize(11).fillColor(INK);
      for (const line of lines) doc.text(`•  ${line.slice(2)}`, left + 12, doc.y, { width: width - 12 });
      doc.moveDown(0.6);
    } else {
      doc.font('Helvetica').fontSize(11).fillColor(INK).text(lines.join(' '), left, doc.y, { width, align: 'left' });
      doc.moveDown(0.6);
    }
  }

  doc.moveDown(1);
  const distribution = notice.recipients.map((r) => `${RECIPIENT_LABELS[r.role] ?? r.role} (${r.ref})`).join('; ');
  doc.font('Helvetica').fontSize(9).fillColor(MUTED).text(`Distribution: ${distribution}`, left, doc.y, { width });
  doc.end();
  return done;
}

/** A facts block as a two-column table: labels in bold on the left. */
function writeFacts(doc: PDFKit.PDFDocument, lines: readonly string[], left: number, width: number): void {
  const labelWidth = 120;
  doc.fontSize(10.5).fillColor(INK);
  for (const line of lines) {
    const [, label = '', value = ''] = FACT_LINE.exec(line) ?? [];
    const top = doc.y;
    doc.font('Helvetica-Bold').text(label, left, top, { width: labelWidth - 8 });
    const labelBottom = doc.y;
    doc.font('Helvetica').text(value, left + labelWidth, top, { width: width - labelWidth });
    doc.y = Math.max(doc.y, labelBottom) + 3;
  }
  doc.x = left;
  doc.moveDown(0.8);
}
