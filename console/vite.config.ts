import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The web console: built into dist/console by scripts/build.ts (Vite's JS API), served by
 * Fleetgate at /console (src/console/static.ts). `npx vite console` serves it with hot reload,
 * forwarding the API to a Fleetgate on FLEETGATE_URL (default http://127.0.0.1:8080).
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: resolve(import.meta.dirname, '../dist/console'),
    emptyOutDir: true,
    // Hashed names in assets/ are what the server caches for a year.
    assetsDir: 'assets',
    reportCompressedSize: false,
  },
  logLevel: 'warn',
  server: { proxy: { '/console/api': process.env.FLEETGATE_URL ?? 'http://127.0.0.1:8080' } },
});
