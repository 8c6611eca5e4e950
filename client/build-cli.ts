// Builds the command line into one JavaScript file, dist/cli/cli.mjs, run by plain `node` (npm run cli):
// no TypeScript loader at run time, and one file read instead of hundreds of modules resolved.
// scripts/setup.sh runs it when a source is newer than the file; `npm run build:cli` runs it by hand.
import { build } from 'esbuild';

await build({
  entryPoints: ['client/cli.ts'],
  outfile: 'dist/cli/cli.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // The bundled CommonJS packages (cli-progress, commander) call require; an ES module has none of its own.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  minify: true,
  logLevel: 'warning',
});
