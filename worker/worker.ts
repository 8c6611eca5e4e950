/** Builds the development-program worker over its dependencies; used by main.ts and the tests. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resource } from '@opentelemetry/resources';
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { DataConverter } from '@temporalio/common';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import { Worker, type BundleOptions, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Pool } from 'pg';
import { createActivities } from '../activities/index.js';
import type { Mailer } from '../activities/mailer.js';
import { developmentDataConverter } from '../temporal/payload-codec.js';
import { workflowInterceptorModules, type Tracing } from './tracing.js';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * Modules every cached program shares instead of loading its own copy (the SDK's `preloadModules`):
 * the rules (domain/, pure functions and constant tables; the holiday memo holds only what a year's
 * dates are) and OpenTelemetry's semantic conventions (constants). Never a module that imports
 * @temporalio/workflow or keeps per-program state: the SDK freezes what it shares. docs/operations.md,
 * "Worker tuning", has what it saves.
 */
export const sharedWorkflowModules: string[] = [
  ...['domain', 'domain/commands'].flatMap((folder) => {
    const directory = fileURLToPath(new URL(`../${folder}/`, import.meta.url));
    return (
      readdirSync(directory)
        .filter((name) => name.endsWith('.ts'))
        .map((name) => join(directory, name))
        // Only modules with nothing but relative imports: no zod (schemas), no SDK.
        .filter((path) => !/from '[^.]/.test(readFileSync(path, 'utf8')))
    );
  }),
  '@opentelemetry/semantic-conventions',
  fileURLToPath(new URL('../workflows/stack-trace-depth.ts', import.meta.url)),
];

/**
 * Packages that declare themselves free of side effects (`"sideEffects": false`), which webpack
 * takes as leave to drop a module whose exports nobody uses: the preload's bare `require` of one
 * would be dropped, and every program would load its own copy after all. Marked as having side
 * effects, they are preloaded as asked.
 */
const preloadedPackagesWithoutSideEffects = ['@opentelemetry/semantic-conventions'];

/** webpack's configuration, as the SDK hands it over (webpack is the SDK's dependency, not ours). */
type Configuration = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];

/** How every workflow bundle is built (the worker's own, worker/build-bundle.ts, the tests'): what it shares. */
export const workflowBundlerOptions = {
  preloadModules: sharedWorkflowModules,
  webpackConfigHook: (config: Configuration): Configuration => ({
    ...config,
    module: {
      ...config.module,
      rules: [
        ...(config.module?.rules ?? []),
        ...preloadedPackagesWithoutSideEffects.map((name) => ({
          test: new RegExp(`[\\/]node_modules[\\/]${name.replace('/', '[\\/]')}[\\/]`),
          sideEffects: true,
        })),
      ],
    },
  }),
} satisfies Pick<BundleOptions, 'preloadModules' | 'webpackConfigHook'>;

export interface ProgramWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  db: Pool;
  /** Sends the notices (SMTP); without one they are recorded and their deliveries left pending. */
  mailer?: Mailer;
  /** A prebuilt bundle (production); without one the workflows are bundled from source. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Seals the payloads (temporal/payload-codec.ts); the development key's when not given. */
  dataConverter?: DataConverter;
  /**
   * Worker Versioning (docs/deployment.md, "Releases"): the deployment and this build's id. Programs
   * are PINNED to the build they started on; a new build takes new programs once it is made current,
   * and running ones move to it only by a deliberate, replay-tested step. Unversioned when not given.
   */
  deployment?: { deploymentName: string; buildId: string };
  /** Tuning for tests and operations (cache size, sticky queue timeout, …). */
  tuning?: Pick<
    WorkerOptions,
    | 'maxCachedWorkflows'
    | 'maxConcurrentWorkflowTaskExecutions'
    | 'maxConcurrentActivityTaskExecutions'
    | 'workflowThreadPoolSize'
    | 'stickyQueueScheduleToStartTimeout'
    | 'shutdownGraceTime'
  >;
  /** Where the workflow's and activities' spans go (worker/tracing.ts); nowhere when not given. */
  tracing?: Pick<Tracing, 'spanProcessor' | 'resource'>;
  /** Where the web UI is reached (PUBLIC_BASE_URL): notices link to the program's page there. */
  publicBaseUrl?: string;
  /** Replaces activities (tests: one that fails on purpose). */
  activityOverrides?: Partial<ReturnType<typeof createActivities>>;
}

/**
 * The sink the workflow's spans leave the sandbox by. Every bundle calls it, tracing on or not, so
 * every worker (and replayer) of a bundle needs it; spans go nowhere when no tracing is given.
 */
export function workflowSpanSinks(tracing?: Pick<Tracing, 'spanProcessor' | 'resource'>): NonNullable<WorkerOptions['sinks']> {
  return { exporter: makeWorkflowExporter(tracing?.spanProcessor ?? new NoopSpanProcessor(), tracing?.resource ?? Resource.empty()) };
}

/**
 * A workflow task put on this worker's sticky queue goes to the shared queue after this long
 * without being picked up: a killed worker holds its programs' Updates up for seconds, not the
 * default's ten. Draining on SIGTERM lets the activities under way finish within the grace time.
 */
const DEFAULT_TUNING = { stickyQueueScheduleToStartTimeout: '3 seconds', shutdownGraceTime: '20 seconds' } as const;

export function createProgramWorker({
  connection,
  namespace,
  taskQueue,
  db,
  mailer,
  publicBaseUrl,
  workflowBundle,
  dataConverter,
  deployment,
  tuning,
  tracing,
  activityOverrides,
}: ProgramWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection,
    dataConverter: dataConverter ?? developmentDataConverter(),
    namespace: namespace ?? 'default',
    taskQueue,
    activities: { ...createActivities({ db, mailer, publicBaseUrl }), ...activityOverrides },
    // A prebuilt bundle has the tracing interceptors in it already (worker/build-bundle.ts).
    ...(workflowBundle ? { workflowBundle } : { workflowsPath, bundlerOptions: workflowBundlerOptions }),
    interceptors: {
      ...(workflowBundle ? {} : { workflowModules: workflowInterceptorModules }),
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: workflowSpanSinks(tracing),
    ...DEFAULT_TUNING,
    ...(deployment
      ? { workerDeploymentOptions: { version: deployment, useWorkerVersioning: true, defaultVersioningBehavior: 'PINNED' as const } }
      : {}),
    ...tuning,
  });
}
