/**
 * The reclassification notice as a PDF letter: it parses, and its text holds what the notice must
 * state. With RENDER_DOCS=1, page 1 is rendered to docs/images/ for the README (pdftoppm).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { renderNoticePdf } from '../../activities/notice-pdf.js';
import { loadNoticeTemplates, longDate } from '../../activities/notice-rendering.js';
import type { Notice } from '../../domain/notices.js';
import { noticesOfEveryKind } from './program-run.js';
import { pdfText } from './pdf-text.js';

const templates = loadNoticeTemplates();

/** The notice as the `notices` row holds it after the activity issued it. */
function printable(notice: Notice) {
  const { subject, body, recipients } = templates.render(notice);
  return { noticeId: notice.noticeId, issuedOn: notice.issuedOn, subject, body, recipients };
}

const reclassification = noticesOfEveryKind().get('reclassification');
if (!reclassification) throw new Error('test setup: no reclassification notice');

describe('the reclassification notice as a PDF', () => {
  it('parses, and states the trainee, the target class, the effective date and both statements', async () => {
    const pdf = await renderNoticePdf(printable(reclassification));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { pages, text, title } = await pdfText(pdf);
    expect(pages).toBe(1);
    expect(title).toBe('Reclassification to Agency Labor Relations Specialist (5257MP) effective March 3, 2026');
    expect(text).toContain('Dana Rivera');
    expect(text).toContain('Agency Labor Relations Specialist (5257MP)');
    expect(text).toContain('MP, salary group MP 63');
    expect(text).toContain(`Effective date ${longDate(reclassification.issuedOn)}`);
    expect(text).toContain('DAS-2025-0142');
    expect(text).toContain(
      'This reclassification is made without competitive examination, as the class specification of the Leadership Associate class provides',
    );
    expect(text).toContain('No additional working test period is required.');
  });

  it('is the same bytes every time it is rendered, so the e-mail and the API give the same file', async () => {
    const [first, second] = await Promise.all([renderNoticePdf(printable(reclassification)), renderNoticePdf(printable(reclassification))]);
    expect(first.equals(second)).toBe(true);
  });

  it.runIf(process.env.RENDER_DOCS === '1')('renders page 1 to docs/images/reclassification-notice.png', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'notice-pdf-'));
    await writeFile(
      join(dir, 'notice.pdf'),
      await renderNoticePdf({ ...printable(reclassification), noticeId: 'p-3f6c…/reclassification' }),
    );
    await promisify(execFile)('pdftoppm', ['-png', '-r', '80', '-f', '1', '-singlefile', join(dir, 'notice.pdf'), join(dir, 'page')]);
    const images = fileURLToPath(new URL('../../docs/images/', import.meta.url));
    await mkdir(images, { recursive: true });
    await rename(join(dir, 'page.png'), join(images, 'reclassification-notice.png'));
  });
});
