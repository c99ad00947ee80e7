/**
 * Builds the browser workbook into dist/client, which the workbook server
 * serves. `vite --config client/vite.config.ts` serves it for development,
 * passing the API and the socket through to a workbook server (WARREN_SERVER,
 * http://127.0.0.1:8080 by default).
 */
import { defineConfig } from 'vite';

const clientRoot = decodeURIComponent(new URL('.', import.meta.url).pathname);
const workbookServer = process.env.WARREN_SERVER ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: clientRoot,
  base: '/',
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    // The workbook server answers only requests addressed to it from its own pages: the proxy speaks as one.
    proxy: {
      '/api': {
        target: workbookServer,
        changeOrigin: true,
        configure: (proxy) => {
          proxy.on('proxyReq', (request) => {
            if (request.getHeader('origin') !== undefined) request.setHeader('origin', workbookServer);
          });
        },
      },
      '/ws': { target: workbookServer, ws: true, changeOrigin: true, rewriteWsOrigin: true },
    },
  },
});
