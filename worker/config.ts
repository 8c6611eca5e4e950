/** Configuration from the environment, parsed once at start-up, with local defaults. */
import { z } from 'zod';
import { describeIssues } from '../domain/schemas.js';

const configSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('development-programs'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL')
    .default('postgres://lap:lap@127.0.0.1:5432/lap'),
  WORKFLOW_BUNDLE_PATH: z.string().optional(),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error).map((i) => `  ${i.path}: ${i.message}`);
    throw new Error(`invalid configuration in the environment:\n${problems.join('\n')}`);
  }
  return parsed.data;
}
