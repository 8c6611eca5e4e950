/**
 * Moves the open programs pinned to one worker build onto another, each only after its history has
 * replayed against the new build's workflow code (docs/deployment.md, "Releases", step 5):
 *
 *   npm run -s versioning:move -- --from <build id> --to <build id> [--bundle <path>] [--dry-run]
 *
 * --bundle is the new build's workflow bundle (`npm run build`); without it, the workflows of this
 * checkout are bundled. Each program that replays is pinned to the new build with a versioning
 * override (UpdateWorkflowExecutionOptions); one that does not stays where it is and is reported,
 * with the replay's error. A program that moved on while it was replayed is replayed again after the
 * move, and put back when its new events do not replay. Exits 1 when any program could not move.
 *
 * Connects like the worker (temporal/connection.ts) and opens payloads with its keys
 * (PAYLOAD_ENCRYPTION_KEYS); the deployment is WORKER_DEPLOYMENT_NAME unless --deployment-name says.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { encryptingDataConverter } from '../temporal/payload-codec.js';
import { loadConfig } from '../config/index.js';
import { workflowInterceptorModules } from './tracing.js';
import { workflowBundlerOptions, workflowSpanSinks, workflowsPath } from './worker.js';

type History = proto.temporal.api.history.v1.IHistory;
const { PinnedOverrideBehavior } = proto.temporal.api.workflow.v1.VersioningOverride;
const { VersioningBehavior } = proto.temporal.api.enums.v1;

export interface MoveOptions {
  client: Client;
  deploymentName: string;
  from: string;
  to: string;
  /** The new build's workflow code. */
  workflowBundle: ReplayWorkerOptions['workflowBundle'];
  dataConverter: DataConverter;
  /** List and replay, move nothing. */
  dryRun?: boolean;
}

export interface MoveReport {
  /** Open programs pinned to `from` (workflow ids). */
  pinned: string[];
  /** Replayed cleanly and moved (in a dry run: would move). */
  moved: string[];
  /** Did not replay against the new build: left on `from`. */
  failed: { workflowId: string; error: string }[];
}

/** The build an open program is pinned to: its override's, else its own when its behaviour is PINNED. */
function pinnedBuild(
  info: proto.temporal.api.workflow.v1.IWorkflowExecutionVersioningInfo | null | undefined,
  deploymentName: string,
): string | undefined {
  const override = info?.versioningOverride?.pinned?.version;
  if (override) return override.deploymentName === deploymentName ? (override.buildId ?? undefined) : undefined;
  if (info?.behavior !== VersioningBehavior.VERSIONING_BEHAVIOR_PINNED) return undefined;
  const version = info.deploymentVersion;
  return version?.deploymentName === deploymentName ? (version.buildId ?? undefined) : undefined;
}

export async function movePinnedPrograms({
  client,
  deploymentName,
  from,
  to,
  workflowBundle,
  dataConverter,
  dryRun = false,
}: MoveOptions): Promise<MoveReport> {
  const report: MoveReport = { pinned: [], moved: [], failed: [] };
  const histories = new Map<string, History>();
  for await (const execution of client.workflow.list({ query: `WorkflowType = 'developmentProgram' AND ExecutionStatus = 'Running'` })) {
    const { raw } = await client.workflow.getHandle(execution.workflowId, execution.runId).describe();
    if (pinnedBuild(raw.workflowExecutionInfo?.versioningInfo, deploymentName) !== from) continue;
    report.pinned.push(execution.workflowId);
    histories.set(execution.workflowId, await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory());
  }

  const replayFailures = async (batch: Map<string, History>): Promise<Map<string, string>> => {
    const failures = new Map<string, string>();
    if (batch.size === 0) return failures;
    const results = Worker.runReplayHistories(
      { workflowBundle, dataConverter, sinks: workflowSpanSinks(), replayName: `${deploymentName}:${to}` },
      [...batch].map(([workflowId, history]) => ({ workflowId, history })),
    );
    for await (const { workflowId, error } of results) {
      if (error) failures.set(workflowId, `${error.name}: ${error.message.split('\n')[0] ?? ''}`);
    }
    return failures;
  };
  const pinTo = (workflowId: string, buildId: string) =>
    client.workflowService.updateWorkflowExecutionOptions({
      namespace: client.options.namespace,
      workflowExecution: { workflowId },
      workflowExecutionOptions: {
        versioningOverride: {
          pinned: { behavior: PinnedOverrideBehavior.PINNED_OVERRIDE_BEHAVIOR_PINNED, version: { deploymentName, buildId } },
        },
      },
      updateMask: { paths: ['versioning_override'] },
    });

  const failures = await replayFailures(histories);
  for (const [workflowId, error] of failures) report.failed.push({ workflowId, error });
  const replayed = report.pinned.filter((id) => !failures.has(id));
  if (dryRun) {
    report.moved = replayed;
    return report;
  }
  const grown = new Map<string, History>();
  for (const workflowId of replayed) {
    await pinTo(workflowId, to);
    // Events recorded between the replay and the move were made on the old build: replay them too.
    const now = await client.workflow.getHandle(workflowId).fetchHistory();
    if ((now.events?.length ?? 0) > (histories.get(workflowId)?.events?.length ?? 0)) grown.set(workflowId, now);
    else report.moved.push(workflowId);
  }
  const lateFailures = await replayFailures(grown);
  for (const workflowId of grown.keys()) {
    const error = lateFailures.get(workflowId);
    if (!error) {
      report.moved.push(workflowId);
      continue;
    }
    await pinTo(workflowId, from);
    report.failed.push({ workflowId, error });
  }
  return report;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      bundle: { type: 'string' },
      'deployment-name': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  const config = loadConfig();
  // The replays' own worker lines would bury the report.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const { from, to } = values;
  if (!from || !to || from === to) {
    console.error('versioning:move: --from <build id> and --to <build id> are required, and must differ');
    process.exit(2);
  }
  const deploymentName = values['deployment-name'] ?? config.WORKER_DEPLOYMENT_NAME;
  const workflowBundle = values.bundle
    ? { codePath: values.bundle }
    : await bundleWorkflowCode({
        workflowsPath,
        workflowInterceptorModules,
        ...workflowBundlerOptions,
        logger: { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop },
      });
  const connection = await Connection.connect(config.temporal.connectionOptions);
  try {
    const client = new Client({ connection, namespace: config.temporal.namespace });
    const report = await movePinnedPrograms({
      client,
      deploymentName,
      from,
      to,
      workflowBundle,
      dataConverter: encryptingDataConverter(config.payloadKeys),
      dryRun: values['dry-run'],
    });
    const verb = values['dry-run'] ? 'would move' : 'moved';
    console.log(
      `${deploymentName}: ${report.pinned.length} open program(s) pinned to ${from}; ${verb} ${report.moved.length} to ${to}; ${report.failed.length} do not replay on ${to}`,
    );
    for (const workflowId of report.moved) console.log(`  ${verb}  ${workflowId}`);
    for (const { workflowId, error } of report.failed) console.log(`  kept   ${workflowId}: ${error}`);
    process.exitCode = report.failed.length > 0 ? 1 : 0;
  } finally {
    await connection.close();
  }
}

function noop(): void {}
