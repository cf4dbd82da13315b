/**
 * Builds the web console into console/dist, which the API server serves at /console/.
 * JSX goes through Vite's own Oxc transform (no React plugin: nothing here needs Fast Refresh),
 * and every dependency is bundled: the console fetches nothing from the network at run time.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 3000,
  },
  logLevel: 'warn',
});
