/** The floor's one side effect: one row, as the project records one event. */
import { Context } from '@temporalio/activity';
import type { Pool } from 'pg';

export const createFloorActivities = (db: Pool) => ({
  async insertRow(kind: string, version: number): Promise<void> {
    const workflowId = Context.current().info.workflowExecution?.workflowId ?? 'standalone';
    await db.query('INSERT INTO bench_floor_rows (workflow_id, version, kind) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
      workflowId,
      version,
      kind,
    ]);
  },
});

export type FloorActivities = ReturnType<typeof createFloorActivities>;
