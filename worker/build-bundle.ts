/** Writes the production workflow bundle (the production worker loads it instead of bundling). */
import { mkdir, writeFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from './worker.js';

const { code } = await bundleWorkflowCode({ workflowsPath });
await mkdir('dist', { recursive: true });
await writeFile('dist/workflow-bundle.js', code);
console.log(`wrote dist/workflow-bundle.js (${(code.length / 1024).toFixed(0)} KiB)`);
