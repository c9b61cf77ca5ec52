import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/** Where `pnpm --filter @wick/web dev` sends API calls: a Wick server started separately. */
const api = process.env.WICK_API ?? 'http://127.0.0.1:3000';
const proxied = ['/trpc', '/export', '/health', '/metrics'];

/**
 * Writes the list of modules each chunk holds to dist/.vite/modules.json, so a test can prove the
 * bundle carries no server code (a name search over minified output would prove little).
 */
function moduleList(): Plugin {
  return {
    name: 'wick-module-list',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks: Record<string, string[]> = {};
      for (const [file, output] of Object.entries(bundle)) {
        if (output.type === 'chunk') chunks[file] = Object.keys(output.modules);
      }
      this.emitFile({ type: 'asset', fileName: '.vite/modules.json', source: JSON.stringify(chunks, null, 1) });
    },
  };
}

export default defineConfig({
  plugins: [react(), moduleList()],
  server: { proxy: Object.fromEntries(proxied.map((p) => [p, { target: api, changeOrigin: false }])) },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, target: 'es2022', chunkSizeWarningLimit: 1024 },
});
