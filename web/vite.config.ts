/// <reference types="node" />
/**
 * Vite build of the dashboard: web/index.html → web/dist (served by src/server at `/`).
 * Everything is bundled or emitted as a local asset; nothing is loaded from another host at run time.
 */
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // maplibre-gl is ~1 MB minified by itself; warn only above that.
    chunkSizeWarningLimit: 1200,
    assetsInlineLimit: 0,
  },
  // `npx vite --config web/vite.config.ts` for development: the API comes from a running `frontline serve`
  // (FRONTLINE_API, default http://127.0.0.1:8080). The production CSP is the server's (src/server/static.ts).
  server: {
    fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
    proxy: { '/api': { target: process.env.FRONTLINE_API ?? 'http://127.0.0.1:8080', changeOrigin: false } },
  },
});
