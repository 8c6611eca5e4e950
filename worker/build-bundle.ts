/**
 * Writes the production workflow bundle (the production worker loads it instead of bundling):
 * dist/workflow-bundle.js, or the path given as the first argument.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { workflowInterceptorModules } from './tracing.js';
import { workflowBundlerOptions, workflowsPath } from './worker.js';

// With the tracing interceptors: a worker given a prebuilt bundle cannot add them.
// Warnings and errors only: webpack's module list says nothing an operator needs.
const { code } = await bundleWorkflowCode({
  workflowsPath,
  workflowInterceptorModules,
  ...workflowBundlerOptions,
  logger: new DefaultLogger('WARN'),
});
const output = process.argv[2] ?? 'dist/workflow-bundle.js';
await mkdir(dirname(output), { recursive: true });
await writeFile(output, code);
console.log(`wrote ${output} (${(code.length / 1024).toFixed(0)} KiB)`);
