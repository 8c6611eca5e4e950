/**
 * Dashboard benchmark: with N programs (default 10,000) in the read model, how long the dashboard
 * takes to render in Chromium, from navigation start to the first complete render (counts, programs
 * at risk, the four charts drawn with Observable Plot, the cohort list and its timeline), next to the
 * API's own list time measured in the same run (GET /v1/programs, the dashboard's list request). Then a
 * supervisor with 500 trainees: how long their inbox's first view (overdue and due soon, first page of
 * trainees) takes, in the API and in Chromium.
 *
 *   npx tsx bench/dashboard.ts [programs] [--runs 7]
 *
 * The programs are simulated by bench/lib/read-model.ts and written straight into the read model of
 * a scratch database of their own. Reads need no Temporal, so none runs.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { chromium } from 'playwright-core';
import { mintToken } from '../api/auth.js';
import { buildApiServer } from '../api/server.js';
import { createProgramClient } from '../client/programs.js';
import { migrate } from '../db/migrate.js';
import { timeRequest } from './lib/http.js';
import { buildPrograms, insertReadModel } from './lib/read-model.js';
import { dropDatabase } from '../test/drop-database.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { runs: { type: 'string', default: '7' } } });
const programCount = Number(positionals[0] ?? 10_000);
const runs = Number(values.runs);
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://lap:lap@127.0.0.1:5432/lap_test';
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const median = (samples: readonly number[]): number => {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

async function main(): Promise<void> {
  const name = `lap_bench_dashboard_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = new pg.Pool({ connectionString: url.toString(), max: 10 });
  // The scratch database is dropped WITH (FORCE) at the end: a connection it ends is no failure.
  db.on('error', () => undefined);
  const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  try {
    await migrate(url.toString());
    let started = performance.now();
    const states = buildPrograms(programCount);
    console.error(`built ${programCount} programs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    started = performance.now();
    await insertReadModel(db, states);
    console.error(`wrote the read model in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const { rows: statusRows } = await db.query<{ status: string; n: string }>(
      'SELECT status, count(*) AS n FROM rm_programs GROUP BY status ORDER BY status',
    );

    const secret = randomBytes(32).toString('base64url');
    const app = await buildApiServer({ programs: createProgramClient({ client: temporal }), db, temporal, authSecret: secret });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    const token = await mintToken(secret, { sub: 'hr-bench', roles: ['hr'], ttl: '1h' });

    // The API alone: the dashboard's own list request, and its counts and programs at risk.
    const listUrl = `${base}/v1/programs?status=active&limit=50`;
    const dashboardUrl = `${base}/v1/dashboard`;
    const chartsUrl = `${base}/v1/dashboard/charts`;
    for (let i = 0; i < 3; i++)
      await Promise.all([timeRequest(listUrl, token), timeRequest(dashboardUrl, token), timeRequest(chartsUrl, token)]);
    const listTimes: number[] = [];
    const dashboardTimes: number[] = [];
    const chartsTimes: number[] = [];
    for (let i = 0; i < 20; i++) {
      listTimes.push(await timeRequest(listUrl, token));
      dashboardTimes.push(await timeRequest(dashboardUrl, token));
      chartsTimes.push(await timeRequest(chartsUrl, token));
    }

    // The page: a new browser context each run (no cache, no session), signed in with the token.
    const renderTimes: number[] = [];
    const loadedTimes: number[] = [];
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addInitScript((value: string) => {
        (globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }).sessionStorage.setItem('lap.token', value);
      }, token);
      const page = await context.newPage();
      await page.goto(`${base}/dashboard`);
      await page.locator('.dashboard[data-state="ready"]').waitFor({ timeout: 30_000 });
      // The mark is set once everything is drawn, the charts included: check they were.
      const bars = await page.locator('#chart-reclassifications svg a, #chart-caps svg a').count();
      if (bars === 0) throw new Error('the dashboard rendered without chart bars');
      const [rendered, domLoaded] = await page.evaluate(() => {
        interface Timings {
          getEntriesByName(name: string): { startTime: number }[];
          getEntriesByType(type: string): { domContentLoadedEventEnd?: number }[];
        }
        const perf = (globalThis as unknown as { performance: Timings }).performance;
        const navigation = perf.getEntriesByType('navigation')[0];
        return [
          perf.getEntriesByName('dashboard-rendered')[0]?.startTime ?? Number.NaN,
          navigation?.domContentLoadedEventEnd ?? Number.NaN,
        ];
      });
      renderTimes.push(rendered);
      loadedTimes.push(domLoaded);
      if (process.env.BENCH_TRACE) {
        console.error(
          await page.evaluate(() =>
            JSON.stringify(
              (
                globalThis as unknown as {
                  performance: { getEntriesByType(t: string): { name: string; startTime: number; responseEnd?: number }[] };
                }
              ).performance
                .getEntriesByType('resource')
                .map((e) => [e.name.replace(/^https?:\/\/[^/]+/, ''), Math.round(e.startTime), Math.round(e.responseEnd ?? 0)]),
            ),
          ),
        );
      }
      if (run === runs - 1) {
        await mkdir('test/artifacts', { recursive: true });
        await page.screenshot({ path: 'test/artifacts/bench-dashboard.png', fullPage: true });
      }
      await context.close();
    }
    // A supervisor with 500 trainees: 500 of the open programs handed to one supervisor.
    const inboxSupervisor = 'sup-bench-inbox';
    const { rowCount: inboxTrainees } = await db.query(
      `UPDATE rm_programs SET supervisor_id = $1
        WHERE program_id IN (SELECT program_id FROM rm_programs WHERE status = 'active' ORDER BY program_id LIMIT 500)`,
      [inboxSupervisor],
    );
    const { rows: openRows } = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM rm_milestones m JOIN rm_programs p USING (program_id) WHERE p.supervisor_id = $1 AND p.status = 'active' AND m.status <> 'signed-off'`,
      [inboxSupervisor],
    );
    const supervisorToken = await mintToken(secret, { sub: inboxSupervisor, roles: ['supervisor'], ttl: '1h' });
    const inboxUrl = `${base}/v1/inbox`;
    for (let i = 0; i < 3; i++) await timeRequest(inboxUrl, supervisorToken);
    const inboxApiTimes: number[] = [];
    for (let i = 0; i < 20; i++) inboxApiTimes.push(await timeRequest(inboxUrl, supervisorToken));
    const inboxRenderTimes: number[] = [];
    for (let run = 0; run < runs; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addInitScript((value: string) => {
        (globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }).sessionStorage.setItem('lap.token', value);
      }, supervisorToken);
      const page = await context.newPage();
      await page.goto(`${base}/inbox`);
      await page.locator('.inbox-awaiting[data-state="loaded"]').waitFor({ timeout: 30_000 });
      inboxRenderTimes.push(
        await page.evaluate(
          () =>
            (
              globalThis as unknown as { performance: { getEntriesByName(n: string): { startTime: number }[] } }
            ).performance.getEntriesByName('inbox-rendered')[0]?.startTime ?? Number.NaN,
        ),
      );
      if (run === runs - 1) await page.screenshot({ path: 'test/artifacts/bench-inbox.png', fullPage: true });
      await context.close();
    }
    await app.close();

    const result = {
      programs: programCount,
      statuses: Object.fromEntries(statusRows.map((r) => [r.status, Number(r.n)])),
      apiListMs: { median: round(median(listTimes)), samples: listTimes.length },
      apiDashboardMs: { median: round(median(dashboardTimes)), samples: dashboardTimes.length },
      apiChartsMs: { median: round(median(chartsTimes)), samples: chartsTimes.length },
      firstRenderMs: {
        median: round(median(renderTimes)),
        first: round(renderTimes[0] ?? Number.NaN),
        max: round(Math.max(...renderTimes)),
        runs,
      },
      domContentLoadedMs: { median: round(median(loadedTimes)) },
      ratioRenderToApiList: round(median(renderTimes) / median(listTimes)),
      withinOneSecond: Math.max(...renderTimes) < 1000,
      inbox: {
        trainees: inboxTrainees,
        openMilestones: Number(openRows[0]?.n ?? 0),
        apiMs: { median: round(median(inboxApiTimes)), samples: inboxApiTimes.length },
        firstRenderMs: { median: round(median(inboxRenderTimes)), max: round(Math.max(...inboxRenderTimes)), runs },
        withinOneSecond: Math.max(...inboxRenderTimes) < 1000,
      },
      chromium: browser.version(),
      at: new Date().toISOString(),
    };
    console.log(JSON.stringify(result, null, 2));
    console.error(
      [
        '',
        `| measure (${programCount.toLocaleString('en-US')} programs) | median ms |`,
        '|---|---|',
        `| API: GET /v1/programs?status=active&limit=50 | ${result.apiListMs.median} |`,
        `| API: GET /v1/dashboard | ${result.apiDashboardMs.median} |`,
        `| API: GET /v1/dashboard/charts (four grouped queries) | ${result.apiChartsMs.median} |`,
        `| Chromium: dashboard first render, charts included (navigation start to rendered) | ${result.firstRenderMs.median} (slowest ${result.firstRenderMs.max}; bound 1,000) |`,
        `| ratio render / API list | ${result.ratioRenderToApiList} |`,
        `| API: GET /v1/inbox (a supervisor of ${inboxTrainees} trainees, ${result.inbox.openMilestones} open milestones) | ${result.inbox.apiMs.median} |`,
        `| Chromium: that inbox's first view (navigation start to rendered) | ${result.inbox.firstRenderMs.median} (slowest ${result.inbox.firstRenderMs.max}) |`,
      ].join('\n'),
    );
  } finally {
    await browser.close();
    await db.end();
    await temporal.connection.close();
    await admin.end();
    await dropDatabase(adminUrl, name);
  }
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

await main();
