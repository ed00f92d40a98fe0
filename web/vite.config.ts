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
  server: { fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
});
