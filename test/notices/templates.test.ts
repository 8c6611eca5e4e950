/**
 * Notices rendered from the templates in activities/notice-templates/: every kind to HTML and to
 * plain text, recipients as the data says, the statements the class specification requires.
 */
import { mkdtemp, readFile, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadNoticeTemplates, longDate, noticeTemplatesDir } from '../../activities/notice-rendering.js';
import { NOTICE_KINDS, type Notice } from '../../domain/notices.js';
import { noticesOfEveryKind } from './program-run.js';

const templates = loadNoticeTemplates();
const notices = noticesOfEveryKind();

function noticeOf(kind: string): Notice {
  const notice = notices.get(kind);
  if (!notice) throw new Error(`test setup: no ${kind} notice`);
  return notice;
}

describe('notice templates', () => {
  it('render every kind of notice to HTML and to plain text', () => {
    expect([...notices.keys()].sort()).toEqual([...NOTICE_KINDS].sort());
    for (const notice of notices.values()) {
      const content = templates.render(notice);
      expect(content.subject.length, notice.kind).toBeGreaterThan(10);
      expect(content.subject).not.toMatch(/\{\{|\}\}|\n/);
      expect(content.body).toContain(notice.facts.trainee.name);
      expect(content.body, `${notice.kind}: text has no markup`).not.toMatch(/<[a-z]/i);
      expect(content.text.startsWith(`${content.subject}\n\n${content.body}`)).toBe(true);
      expect(content.text).toContain(`Notice ${notice.noticeId}`);
      expect(content.html).toMatch(/^<!doctype html>/);
      expect(content.html).toContain(`<h1 style="margin:0 0 16px;font-size:20px;line-height:1.3">${content.subject}</h1>`);
      expect(content.html).toContain('<p style=');
    }
  });

  it('states in the reclassification notice everything the class specification asks for', () => {
    const notice = noticeOf('reclassification');
    const { body, subject } = templates.render(notice);
    const effective = longDate('2026-03-03');
    expect(subject).toBe(`Reclassification to Agency Labor Relations Specialist (5257MP) effective ${effective}`);
    expect(body.split('\n\n')[0]?.split('\n')).toEqual([
      'Trainee: Dana Rivera (employee E1001)',
      'Trainee class: Leadership Associate, functional role Agency Labor Relations Specialist Trainee',
      'Agency: OPM',
      'Designated class: Agency Labor Relations Specialist (5257MP)',
      'Pay plan: MP, salary group MP 63',
      `Effective date: ${effective}`,
      'DAS approval: DAS-2025-0142',
    ]);
    expect(body).toContain(
      'This reclassification is made without competitive examination, as the class specification of the Leadership Associate class provides',
    );
    expect(body).toContain('No additional working test period is required.');
    // Decision 11: the exam waiver and the 1-year minimum are the class specification's; only the 3-year maximum is C.G.S. 5-234.
    expect(body).toContain("the class specification's minimum of one year");
    expect(body).toContain('three-year maximum of service in a trainee class under C.G.S. 5-234');
    expect(body).not.toMatch(/competitive examination[^.]*5-234/);
  });

  it('takes the recipients of each kind from notices.json', async () => {
    const manifest = JSON.parse(await readFile(join(noticeTemplatesDir, 'notices.json'), 'utf8')) as {
      kinds: Record<string, { recipients: string[] }>;
    };
    for (const notice of notices.values()) {
      const roles = templates.render(notice).recipients.map((r) => r.role);
      expect(roles, notice.kind).toEqual(manifest.kinds[notice.kind]?.recipients);
    }
    const refs = (kind: string) => templates.render(noticeOf(kind)).recipients;
    expect(refs('reclassification')).toEqual([
      { role: 'trainee', ref: 'E1001' },
      { role: 'supervisor', ref: 'sup-1' },
      { role: 'program-manager', ref: 'pm-1' },
      { role: 'agency-hr', ref: 'OPM' },
      { role: 'das', ref: 'DAS' },
    ]);
    expect(refs('milestone-overdue')).toEqual([{ role: 'supervisor', ref: 'sup-1' }]);
    expect(refs('milestone-escalated')).toEqual([
      { role: 'supervisor', ref: 'sup-1' },
      { role: 'program-manager', ref: 'pm-1' },
    ]);
    expect(refs('overdue-reminder-escalated').map((r) => r.role)).toEqual(['supervisor', 'program-manager']);
    expect(refs('progress-report-submitted')).toEqual([
      { role: 'program-manager', ref: 'pm-1' },
      { role: 'supervisor', ref: 'sup-1' },
    ]);
  });

  it('escapes the facts in HTML and keeps them as they are in plain text', () => {
    const notice = noticeOf('milestone-overdue');
    const hostile: Notice = {
      ...notice,
      facts: { ...notice.facts, trainee: { ...notice.facts.trainee, name: 'Ann <script>alert(1)</script> & Co' } },
    };
    const content = templates.render(hostile);
    expect(content.html).toContain('Ann &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
    expect(content.html).not.toContain('<script>');
    expect(content.body).toContain('Ann <script>alert(1)</script> & Co');
  });

  it('lists the overdue milestones in a weekly reminder, one line each', () => {
    const { body } = templates.render(noticeOf('overdue-reminder-escalated'));
    expect(body).toMatch(/^- Grievance and arbitration casework, due September 30, 2025 \(15 days overdue, escalated\)$/m);
  });

  it('refuses at load a manifest without every kind, and at render a template naming a fact the notice lacks', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'notice-templates-'));
    await cp(noticeTemplatesDir, dir, { recursive: true });
    const manifest = JSON.parse(await readFile(join(dir, 'notices.json'), 'utf8')) as { kinds: Record<string, unknown> };
    delete manifest.kinds['cap-warning'];
    await writeFile(join(dir, 'notices.json'), JSON.stringify(manifest));
    expect(() => loadNoticeTemplates(dir)).toThrow(/no entry for cap-warning/);

    await cp(join(noticeTemplatesDir, 'notices.json'), join(dir, 'notices.json'));
    await writeFile(join(dir, 'milestone-overdue.hbs'), '{{#paragraph}}{{trainee.nickname}}{{/paragraph}}');
    const broken = loadNoticeTemplates(dir);
    expect(() => broken.render(noticeOf('milestone-overdue'))).toThrow(/"nickname" not defined/);
  });
});
