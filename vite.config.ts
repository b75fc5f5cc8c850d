/**
 * Builds the renderer (renderer/ → dist/renderer). `base: './'` keeps every asset URL relative,
 * so the same build loads from file:// in Electron and from the browser-mode HTTP host.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));

/** The policy the Electron window enforces; the built page carries it too, so browser mode behaves the same. */
export const RENDERER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "worker-src 'self' blob:; connect-src 'self'";

/**
 * Adds the CSP <meta> to the built index.html only: the dev server injects an inline
 * react-refresh preamble that a strict script-src would block.
 */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'landgate-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: RENDERER_CSP }, injectTo: 'head-prepend' },
    ],
  };
}

export default defineConfig({
  root: `${repoRoot}renderer`,
  base: './',
  plugins: [react(), contentSecurityPolicyMeta()],
  build: {
    outDir: `${repoRoot}dist/renderer`,
    emptyOutDir: true,
    // MapLibre alone is ~1 MB minified; the app is offline, so one big chunk is fine.
    chunkSizeWarningLimit: 2500,
    // Never inline assets as data: URLs for scripts/workers; images may be.
    assetsInlineLimit: 0,
  },
  server: {
    host: '127.0.0.1',
    fs: { allow: [repoRoot] },
  },
});
