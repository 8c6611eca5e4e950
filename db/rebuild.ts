/** `npx tsx db/rebuild.ts programs`: rebuilds a projection from the event log, with a progress bar. */
import { loadConfig } from '../worker/config.js';
import { migrate } from './migrate.js';
import { createPool } from './pool.js';
import { PROGRAMS_PROJECTION, createProjector, type RebuildProgress } from './projections.js';

const projections = [PROGRAMS_PROJECTION];
const name = process.argv[2];
if (!name || !projections.includes(name)) {
  console.error(`usage: npx tsx db/rebuild.ts <projection>\nprojections: ${projections.join(', ')}`);
  process.exit(2);
}

function progressBar({ applied, total }: RebuildProgress): string {
  const width = 30;
  const share = total === 0 ? 1 : Math.min(applied / total, 1);
  const filled = Math.round(share * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${applied}/${total} events`;
}

const config = loadConfig();
await migrate(config.DATABASE_URL);
// A rebuild reads the whole log: no statement deadline short enough to cut it off.
const pool = createPool({ connectionString: config.DATABASE_URL, max: 2, name: 'rebuild', log: { warn: (fields: object, message?: string) => console.error(message ?? '', fields) }, statementTimeoutMs: 3_600_000 });
const started = Date.now();
try {
  const { applied } = await createProjector(pool).rebuild((progress) => process.stderr.write(`\r${progressBar(progress)}`));
  process.stderr.write('\n');
  console.log(`rebuilt ${name} from ${applied} events in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} finally {
  await pool.end();
}
