/** A notice as a PDF letter (`Accept: application/pdf`), with the text exactly as it was issued. */
import PDFDocument from 'pdfkit';
import type { NoticeRecord } from '../db/queries.js';

const RECIPIENT_LABELS: Record<string, string> = {
  trainee: 'Trainee',
  supervisor: 'Supervisor',
  'program-manager': 'Program manager',
  'agency-hr': 'Agency human resources',
  das: 'Department of Administrative Services',
};

export function renderNoticePdf(notice: NoticeRecord): Promise<Buffer> {
  // A fixed creation date keeps the same notice the same bytes, whenever it is fetched.
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
  doc.font('Helvetica').fontSize(9).fillColor('#444444');
  doc.text('State of Connecticut · Leadership Associate development program');
  doc.text(`Notice ${notice.noticeId} · issued ${notice.issuedOn}`);
  doc.moveDown(1.5);
  doc.font('Helvetica-Bold').fontSize(14).fillColor('#000000').text(notice.subject);
  doc.moveDown();
  doc.font('Helvetica').fontSize(11);
  for (const paragraph of notice.body.split(/\n{2,}/)) {
    doc.text(paragraph, { align: 'left' });
    doc.moveDown();
  }
  doc.moveDown();
  doc.fontSize(9).fillColor('#444444').text(
    `To: ${notice.recipients.map((r) => `${RECIPIENT_LABELS[r.role] ?? r.role} (${r.ref})`).join('; ')}`,
  );
  doc.end();
  return done;
}
