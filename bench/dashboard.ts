/**
 * Dashboard benchmark: with N programs (default 10,000) in the read model, how long the dashboard
 * takes to render in Chromium, from navigation start to the first complete render (counts, programs
 * at risk, the cohort list and its timeline), next to the API's own list time measured in the same
 * run (GET /v1/programs, the dashboard's list request).
 *
 *   npx tsx bench/dashboard.ts [programs] [--runs 7]
 *
 * The programs are simulated with the domain's own decide/evolve (enrollment, sign-offs, ratings,
 * the clock), spread over four years of appointments, twelve agencies and the catalogue's classes,
 * and written straight into rm_programs and rm_milestones of a scratch database of their own,
 * as the projector writes them. Reads need no Temporal, so none runs.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { programRow } from '../db/projections.js';
import { chromium } from 'playwright-core';
import { mintToken } from '../api/auth.js';
import { buildApiServer } from '../api/server.js';
import { createProgramClient } from '../client/programs.js';
import { migrate } from '../db/migrate.js';
import { addDays, addMonths, civilDateInNewYork, daysBetween, type CivilDate } from '../domain/dates.js';
import { defaultPolicy } from '../domain/policy.js';
import { decideEnrollment, execute, replay, stamp, type Actor, type ProgramCommand, type ProgramState } from '../domain/program.js';
import type { Enrollment } from '../domain/rules.js';
import { findTargetClass, targetClasses } from '../domain/target-classes.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { runs: { type: 'string', default: '7' } } });
const programCount = Number(positionals[0] ?? 10_000);
const runs = Number(values.runs);
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://lap:lap@127.0.0.1:5432/lap_test';
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const AGENCIES = ['OPM', 'DAS', 'DOL', 'DCF', 'DMHAS', 'DOC', 'DPH', 'DSS', 'DEEP', 'DOT', 'DRS', 'DVA'];
const BEHAVIOURS = ['on-time', 'late', 'stalled', 'withdrawn'] as const;
type Behaviour = (typeof BEHAVIOURS)[number];

const hr: Actor = { id: 'hr-bench', role: 'hr' };
const supervisor: Actor = { id: 'sup-bench', role: 'supervisor' };
const system: Actor = { id: 'system', role: 'system' };
const today = civilDateInNewYork(Date.now());

function enrollment(appointmentDate: CivilDate, targetClassCode: string): Enrollment {
  return {
    trainee: { employeeId: 'E0000000', name: 'Bench Trainee', email: 'bench@example.gov' },
    agency: 'OPM',
    functionalRole: 'Leadership Associate',
    targetClassCode,
    supervisorId: supervisor.id,
    programManagerId: 'pm-bench',
    appointmentDate,
    hoursPerWeek: 40,
    schedule: {
      dasApprovalRef: 'DAS-BENCH',
      approvedOn: addDays(appointmentDate, -14),
      plannedEndDate: addMonths(appointmentDate, 18),
      milestones: Array.from({ length: 4 }, (_, i) => ({ id: `m${i + 1}`, title: `Rotation ${i + 1}`, dueDate: addMonths(appointmentDate, 3 * (i + 1)) })),
    },
    priorExperience: { generalYears: 6, specialYears: 2 },
    education: { semesterHours: 120, degrees: ['bachelor'] },
  };
}

/** One program lived from its appointment up to today under the domain's rules. */
function simulate(appointment: CivilDate, targetClassCode: string, behaviour: Behaviour): ProgramState {
  const opened = decideEnrollment(enrollment(appointment, targetClassCode), findTargetClass(targetClassCode), defaultPolicy, hr);
  if (!opened.ok) throw new Error(`bench enrollment rejected: ${JSON.stringify(opened.violations)}`);
  let state = replay(stamp('template', 0, opened.events, `${appointment}T14:00:00.000Z`));
  if (!state) throw new Error('bench enrollment produced no state');
  const commands: [number, ProgramCommand, Actor][] = [];
  const lateBy = behaviour === 'late' ? 40 : -5;
  if (behaviour !== 'stalled') {
    for (let m = 1; m <= 4; m++) commands.push([90 * m + lateBy, { type: 'sign-off-milestone', milestoneId: `m${m}`, signedOn: addDays(appointment, 90 * m + lateBy) }, supervisor]);
    commands.push([170, { type: 'rate-service', rating: 'satisfactory', ratedOn: addDays(appointment, 170) }, supervisor]);
  }
  if (behaviour === 'withdrawn') commands.push([200, { type: 'withdraw', effectiveOn: addDays(appointment, 200), reason: 'Resigned' }, hr]);
  for (let day = 15; day <= 1100; day += 15) commands.push([day, { type: 'advance-clock' }, system]);
  commands.sort((a, b) => a[0] - b[0]);
  const lived = daysBetween(appointment, today);
  for (const [day, command, actor] of commands) {
    if (day > lived) break;
    const result = execute(state, command, actor, { today: addDays(appointment, day) });
    if (result.ok) state = result.state;
  }
  const caughtUp = execute(state, { type: 'advance-clock' }, system, { today });
  return caughtUp.ok ? caughtUp.state : state;
}

/** Templates for every fortnight of four years of appointments, each class and behaviour; programs copy them. */
function buildPrograms(count: number): ProgramState[] {
  const templates = new Map<string, ProgramState>();
  const programs: ProgramState[] = [];
  for (let i = 0; i < count; i++) {
    const appointment = addDays(today, -14 * (i % 104) - 1);
    const targetClassCode = targetClasses[i % targetClasses.length]?.code ?? '5257MP';
    const behaviour = BEHAVIOURS[(i * 7) % 10 < 5 ? 0 : (i * 7) % 10 < 7 ? 1 : (i * 7) % 10 < 9 ? 2 : 3] ?? 'on-time';
    const key = `${appointment}/${targetClassCode}/${behaviour}`;
    let template = templates.get(key);
    if (!template) {
      template = simulate(appointment, targetClassCode, behaviour);
      templates.set(key, template);
    }
    const state = structuredClone(template);
    const n = String(i).padStart(5, '0');
    state.programId = `p-bench-${n}`;
    state.enrollment.trainee.employeeId = `E9${n}`;
    state.enrollment.agency = AGENCIES[i % AGENCIES.length] ?? 'OPM';
    state.enrollment.supervisorId = `sup-${String(i % 400).padStart(4, '0')}`;
    state.enrollment.programManagerId = `pm-${String(i % 100).padStart(4, '0')}`;
    programs.push(state);
  }
  console.error(`simulated ${templates.size} distinct programs, copied into ${count}`);
  return programs;
}

/** The rows the projector writes (db/projections.ts), straight into the read model. */
async function insertReadModel(db: pg.Pool, states: readonly ProgramState[]): Promise<void> {
  for (let start = 0; start < states.length; start += 500) {
    const batch = states.slice(start, start + 500);
    await db.query(
      `INSERT INTO rm_programs (program_id, version, status, agency, target_class_code, supervisor_id, program_manager_id, trainee_employee_id,
         appointment_date, earliest_reclassification_date, latest_completion_date, overdue_milestones, meets_target_class, state, view)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(program_id text, version integer, status text, agency text, target_class_code text,
         supervisor_id text, program_manager_id text, trainee_employee_id text, appointment_date date, earliest_reclassification_date date,
         latest_completion_date date, overdue_milestones integer, meets_target_class boolean, state jsonb, view jsonb)`,
      [
        JSON.stringify(
          batch.map(programRow),
        ),
      ],
    );
    await db.query(
      `INSERT INTO rm_milestones (program_id, milestone_id, title, due_date, status, signed_off_by, signed_off_on)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(program_id text, milestone_id text, title text, due_date date, status text,
         signed_off_by text, signed_off_on date)`,
      [
        JSON.stringify(
          batch.flatMap((state) =>
            state.milestones.map((m) => ({
              program_id: state.programId,
              milestone_id: m.id,
              title: m.title,
              due_date: m.dueDate,
              status: m.status,
              signed_off_by: m.signedOffBy ?? null,
              signed_off_on: m.signedOffOn ?? null,
            })),
          ),
        ),
      ],
    );
  }
  await db.query('ANALYZE rm_programs; ANALYZE rm_milestones');
}

const median = (samples: readonly number[]): number => {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

async function timeRequest(url: string, token: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return performance.now() - started;
}

async function main(): Promise<void> {
  const name = `lap_bench_dashboard_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = new pg.Pool({ connectionString: url.toString(), max: 10 });
  const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  try {
    await migrate(url.toString());
    let started = performance.now();
    const states = buildPrograms(programCount);
    console.error(`built ${programCount} programs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    started = performance.now();
    await insertReadModel(db, states);
    console.error(`wrote the read model in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const { rows: statusRows } = await db.query<{ status: string; n: string }>('SELECT status, count(*) AS n FROM rm_programs GROUP BY status ORDER BY status');

    const secret = randomBytes(32).toString('base64url');
    const app = await buildApiServer({ programs: createProgramClient({ client: temporal }), db, temporal, authSecret: secret });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    const token = await mintToken(secret, { sub: 'hr-bench', roles: ['hr'], ttl: '1h' });

    // The API alone: the dashboard's own list request, and its counts and programs at risk.
    const listUrl = `${base}/v1/programs?status=active&limit=50`;
    const dashboardUrl = `${base}/v1/dashboard`;
    for (let i = 0; i < 3; i++) await Promise.all([timeRequest(listUrl, token), timeRequest(dashboardUrl, token)]);
    const listTimes: number[] = [];
    const dashboardTimes: number[] = [];
    for (let i = 0; i < 20; i++) {
      listTimes.push(await timeRequest(listUrl, token));
      dashboardTimes.push(await timeRequest(dashboardUrl, token));
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
      const [rendered, domLoaded] = await page.evaluate(() => {
        interface Timings {
          getEntriesByName(name: string): { startTime: number }[];
          getEntriesByType(type: string): { domContentLoadedEventEnd?: number }[];
        }
        const perf = (globalThis as unknown as { performance: Timings }).performance;
        const navigation = perf.getEntriesByType('navigation')[0];
        return [perf.getEntriesByName('dashboard-rendered')[0]?.startTime ?? Number.NaN, navigation?.domContentLoadedEventEnd ?? Number.NaN];
      });
      renderTimes.push(rendered);
      loadedTimes.push(domLoaded);
      if (process.env.BENCH_TRACE) {
        console.error(
          await page.evaluate(() =>
            JSON.stringify(
              (globalThis as unknown as { performance: { getEntriesByType(t: string): { name: string; startTime: number; responseEnd?: number }[] } }).performance
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
    await app.close();

    const result = {
      programs: programCount,
      statuses: Object.fromEntries(statusRows.map((r) => [r.status, Number(r.n)])),
      apiListMs: { median: round(median(listTimes)), samples: listTimes.length },
      apiDashboardMs: { median: round(median(dashboardTimes)), samples: dashboardTimes.length },
      firstRenderMs: { median: round(median(renderTimes)), first: round(renderTimes[0] ?? Number.NaN), max: round(Math.max(...renderTimes)), runs },
      domContentLoadedMs: { median: round(median(loadedTimes)) },
      ratioRenderToApiList: round(median(renderTimes) / median(listTimes)),
      withinOneSecond: Math.max(...renderTimes) < 1000,
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
        `| Chromium: dashboard first render (navigation start to rendered) | ${result.firstRenderMs.median} (slowest ${result.firstRenderMs.max}) |`,
        `| ratio render / API list | ${result.ratioRenderToApiList} |`,
      ].join('\n'),
    );
  } finally {
    await browser.close();
    await db.end();
    await temporal.connection.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

await main();
