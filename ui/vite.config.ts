/**
 * Builds the web UI into dist/ui, which the API serves at `/` (api/ui.ts). No framework plugin:
 * Vite's own transform compiles the JSX for Preact. `npx vite --config ui/vite.config.ts` serves it
 * with hot reload and passes /v1 to an API on port 8080.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export const uiRoot = fileURLToPath(new URL('.', import.meta.url));
export const uiOutDir = fileURLToPath(new URL('../dist/ui/', import.meta.url));

const api = process.env.API_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: uiRoot,
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: uiOutDir,
    emptyOutDir: true,
    target: 'es2022',
    // The API's content security policy allows no inline data: every asset is a file of its own.
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  server: { proxy: { '/v1': api, '/ui-config.json': api } },
});
