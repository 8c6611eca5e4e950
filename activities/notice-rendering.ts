/**
 * Notices rendered from templates: the wording and the recipients of each kind are files in
 * activities/notice-templates/ (notices.json and one Handlebars body per kind), not code. A body is
 * written once and rendered twice, to HTML and to plain text; the structural helpers
 * (`paragraph`, `facts`/`fact`, `list`/`item`) decide what each looks like.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { z } from 'zod';
import type { CivilDate } from '../domain/dates.js';
import { NOTICE_KINDS, RECIPIENT_ROLES, type Notice, type NoticeKind, type Recipient } from '../domain/notices.js';

export const noticeTemplatesDir = fileURLToPath(new URL('./notice-templates/', import.meta.url));

const manifestSchema = z.object({
  $comment: z.string().optional(),
  kinds: z.record(
    z.string(),
    z.strictObject({
      recipients: z.array(z.enum(RECIPIENT_ROLES)).min(1),
      subject: z.string().min(1),
      attachPdf: z.boolean(),
    }),
  ),
});

export interface RenderedContent {
  subject: string;
  /** The body alone, as plain text: what the notice row, the API and the PDF show. */
  body: string;
  /** The whole e-mail, as plain text and as HTML. */
  text: string;
  html: string;
  recipients: Recipient[];
  attachPdf: boolean;
}

export interface NoticeTemplates {
  render(notice: Notice): RenderedContent;
}

type Template = Handlebars.TemplateDelegate<unknown>;

interface CompiledKind {
  recipients: readonly (typeof RECIPIENT_ROLES)[number][];
  attachPdf: boolean;
  subject: Template;
  html: Template;
  text: Template;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "2027-05-23" → "May 23, 2027": how a letter writes a date. */
export function longDate(date: CivilDate): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const month = match ? MONTHS[Number(match[2]) - 1] : undefined;
  if (!match || !month) return date;
  return `${month} ${Number(match[3])}, ${match[1]}`;
}

/** Template whitespace is layout only: runs of it become one space. */
const squash = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** Helpers that mean the same in both formats. */
function registerCommonHelpers(env: typeof Handlebars): void {
  env.registerHelper('longDate', (date: unknown) => (typeof date === 'string' ? longDate(date) : ''));
  env.registerHelper('plural', (count: unknown, singular: unknown, plural: unknown) => (count === 1 ? singular : plural));
  env.registerHelper('eq', (a: unknown, b: unknown) => a === b);
}

function htmlEnvironment(): typeof Handlebars {
  const env = Handlebars.create();
  registerCommonHelpers(env);
  const { SafeString, escapeExpression } = env;
  const block = (open: string, close: string) =>
    function (this: unknown, options: Handlebars.HelperOptions) {
      return new SafeString(`${open}${squash(options.fn(this))}${close}\n`);
    };
  env.registerHelper('paragraph', block('<p style="margin:0 0 12px">', '</p>'));
  env.registerHelper('facts', function (this: unknown, options: Handlebars.HelperOptions) {
    return new SafeString(
      `<table role="presentation" style="margin:0 0 16px;border-collapse:collapse">${options.fn(this).trim()}</table>\n`,
    );
  });
  env.registerHelper('fact', function (this: unknown, label: unknown, options: Handlebars.HelperOptions) {
    return new SafeString(
      `<tr><th scope="row" style="padding:2px 16px 2px 0;text-align:left;vertical-align:top;font-weight:bold">${escapeExpression(String(label))}</th>` +
        `<td style="padding:2px 0">${squash(options.fn(this))}</td></tr>`,
    );
  });
  env.registerHelper('list', block('<ul style="margin:0 0 12px">', '</ul>'));
  env.registerHelper('item', block('<li>', '</li>'));
  return env;
}

/** The non-empty lines of a block, one per fact or item, whatever the template's layout. */
const lines = (text: string): string =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join('\n');

function textEnvironment(): typeof Handlebars {
  const env = Handlebars.create();
  registerCommonHelpers(env);
  env.registerHelper('paragraph', function (this: unknown, options: Handlebars.HelperOptions) {
    return `${squash(options.fn(this))}\n\n`;
  });
  // "Label: value" lines, one per fact: the PDF letter sets such a paragraph as a table.
  env.registerHelper('facts', function (this: unknown, options: Handlebars.HelperOptions) {
    return `${lines(options.fn(this))}\n\n`;
  });
  env.registerHelper('fact', function (this: unknown, label: unknown, options: Handlebars.HelperOptions) {
    return `${String(label)}: ${squash(options.fn(this))}\n`;
  });
  env.registerHelper('list', function (this: unknown, options: Handlebars.HelperOptions) {
    return `${lines(options.fn(this))}\n\n`;
  });
  env.registerHelper('item', function (this: unknown, options: Handlebars.HelperOptions) {
    return `- ${squash(options.fn(this))}\n`;
  });
  return env;
}

/** Blank-line paragraphs, no trailing spaces, no runs of blank lines. */
const tidyText = (text: string): string =>
  text
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

/**
 * Reads and compiles every template once, so a broken template stops the worker at start rather
 * than a notice at delivery. Strict: a template naming a fact the notice does not have throws.
 */
export function loadNoticeTemplates(
  dir: string = noticeTemplatesDir,
  { publicBaseUrl }: { publicBaseUrl?: string | undefined } = {},
): NoticeTemplates {
  const read = (name: string): string => readFileSync(`${dir}${dir.endsWith('/') ? '' : '/'}${name}`, 'utf8');
  const parsed = manifestSchema.safeParse(JSON.parse(read('notices.json')));
  if (!parsed.success)
    throw new Error(
      `notice templates: notices.json is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const manifest = parsed.data.kinds;
  const missing = NOTICE_KINDS.filter((kind) => !(kind in manifest));
  if (missing.length > 0) throw new Error(`notice templates: notices.json has no entry for ${missing.join(', ')}`);

  const html = htmlEnvironment();
  const text = textEnvironment();
  const options = { strict: true } as const;
  const htmlLayout = html.compile(read('layout.html.hbs'), options);
  const textLayout = text.compile(read('layout.txt.hbs'), { ...options, noEscape: true });
  const kinds = new Map<NoticeKind, CompiledKind>();
  for (const kind of NOTICE_KINDS) {
    const entry = manifest[kind];
    if (!entry) continue;
    const body = read(`${kind}.hbs`);
    kinds.set(kind, {
      recipients: entry.recipients,
      attachPdf: entry.attachPdf,
      subject: text.compile(entry.subject, { ...options, noEscape: true }),
      html: html.compile(body, options),
      text: text.compile(body, { ...options, noEscape: true }),
    });
  }

  return {
    render(notice) {
      const kind = kinds.get(notice.kind);
      if (!kind) throw new Error(`no template for notice kind ${notice.kind}`);
      const facts = notice.facts;
      const subject = squash(kind.subject(facts));
      const body = tidyText(kind.text(facts));
      // The program's page in the web UI, where the e-mail links back to (PUBLIC_BASE_URL).
      const programUrl = publicBaseUrl ? `${publicBaseUrl.replace(/\/+$/, '')}/programs/${encodeURIComponent(notice.programId)}` : null;
      const frame = { subject, noticeId: notice.noticeId, issuedOn: notice.issuedOn, programUrl };
      const recipients: Recipient[] = [];
      for (const role of kind.recipients) {
        const ref = notice.parties[role].ref;
        if (!recipients.some((r) => r.role === role && r.ref === ref)) recipients.push({ role, ref });
      }
      return {
        subject,
        body,
        text: tidyText(textLayout({ ...frame, content: body })),
        html: htmlLayout({ ...frame, content: kind.html(facts) }),
        recipients,
        attachPdf: kind.attachPdf,
      };
    },
  };
}
