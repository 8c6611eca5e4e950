/**
 * Browser tests of the web UI: the whole stack of the API tests (test/api/harness.ts: Temporal dev
 * server, worker, PostgreSQL, projector, the API on an ephemeral port, which serves dist/ui at `/`),
 * and Debian's Chromium driven by playwright-core. One browser per test file, one context per test.
 */
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const artifactsDir = join(repoRoot, 'test/artifacts/ui');

/** Debian's Chromium (scripts/setup.sh installs it); never a downloaded browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

// --- The built UI -------------------------------------------------------------------------------

const uiSources = [join(repoRoot, 'ui'), join(repoRoot, 'domain')];
const builtIndex = join(repoRoot, 'dist/ui/index.html');
const buildLock = join(repoRoot, 'dist/.ui-build.lock');

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

async function uiIsFresh(): Promise<boolean> {
  const built = await stat(builtIndex).catch(() => null);
  if (!built) return false;
  const newest = Math.max(...(await Promise.all(uiSources.map(newestSource))));
  return newest <= built.mtimeMs;
}

/**
 * Builds dist/ui when a source is newer than the build (as scripts/setup.sh does), so the tests
 * never run against a stale UI. Test files run in parallel: a lock directory lets one of them build
 * while the others wait; a lock older than two minutes is a crashed run's and is taken over.
 */
export async function ensureUiBuilt(): Promise<void> {
  await mkdir(join(repoRoot, 'dist'), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await mkdir(buildLock);
      break;
    } catch {
      const lock = await stat(buildLock).catch(() => null);
      if (lock && Date.now() - lock.mtimeMs > 120_000) await rm(buildLock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for another test file to build the UI');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    if (await uiIsFresh()) return;
    const { build } = await import('vite');
    await build({ configFile: join(repoRoot, 'ui/vite.config.ts'), logLevel: 'error' });
  } finally {
    await rm(buildLock, { recursive: true, force: true });
  }
}

// --- Pages ----------------------------------------------------------------------------------------

export interface UiSession {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** A fresh context (its own sessionStorage, so its own sign-in) at a phone or desktop size. */
export async function openPage(browser: Browser, { phone = false }: { phone?: boolean } = {}): Promise<UiSession> {
  const context = await browser.newContext(
    phone
      ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
      : { viewport: { width: 1280, height: 900 } },
  );
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) problems.push(message.text());
  });
  return {
    context,
    page,
    async close() {
      await context.close();
      // A script error in the page fails the test that caused it.
      expect(problems, 'errors in the page').toEqual([]);
    },
  };
}

/** Signs in through the development sign-in page, as a person would. */
export async function signIn(page: Page, baseUrl: string, sub: string, role: string, path = '/'): Promise<void> {
  await page.goto(`${baseUrl}/sign-in?next=${encodeURIComponent(path)}`);
  await page.getByLabel('Role').selectOption(role);
  await page.getByLabel('Person').fill(sub);
  await page.getByRole('button', { name: 'Sign in for development' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

// --- Accessibility --------------------------------------------------------------------------------

const axeSourcePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let axeSource: Promise<string> | undefined;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * Runs axe-core in the page (WCAG 2.1 A and AA rules and axe's best practices) and returns the
 * serious and critical violations, each as a line naming the rule and the elements.
 */
export async function seriousAccessibilityViolations(page: Page, name: string): Promise<string[]> {
  // Evaluated, not added as a script tag: the UI's content security policy refuses inline scripts.
  axeSource ??= readFile(axeSourcePath, 'utf8');
  await page.evaluate(await axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations.map(({ id, impact, help, nodes }) => ({
      id,
      impact,
      help,
      nodes: nodes.map(({ target, failureSummary }) => ({ target, failureSummary })),
    }));
  });
  await mkdir(artifactsDir, { recursive: true });
  await writeFile(join(artifactsDir, `${name}.axe.json`), JSON.stringify(violations, null, 2));
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

/**
 * What has the keyboard focus: its id, or its class when it has none. Pages move focus after they
 * render, so tests poll this rather than read it once.
 */
export function focusedElement(page: Page): Promise<string> {
  return page.evaluate(() => {
    const active = (globalThis as unknown as { document: { activeElement: { id: string; className: string } | null } }).document
      .activeElement;
    return active ? active.id || active.className : '';
  });
}

/** Runs a test's steps on a page of its own (a fresh browser context) and closes it even when a step fails. */
export async function usePage(
  browser: Browser,
  run: (session: UiSession) => Promise<void>,
  options: { phone?: boolean } = {},
): Promise<void> {
  const session = await openPage(browser, options);
  try {
    await run(session);
  } finally {
    await session.close();
  }
}

/** Keeps a screenshot of the page's state, then asserts axe finds no serious or critical violation in it. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  expect(await seriousAccessibilityViolations(page, name)).toEqual([]);
}
