/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `vite build` writes the production bundle loaded by the desktop shell (ui/dist).
// `vite build --mode mock` writes ui/dist-mock: the same UI with a canned backend
// (src/lib/backend/mock.ts) so it runs in a plain browser for the Playwright flows.
export default defineConfig(({ mode }) => ({
  plugins: [react()],
  // Tauri prints its own output next to Vite's in `tauri dev`.
  clearScreen: false,
  server: {
    // Must match build.devUrl in src-tauri/tauri.conf.json.
    port: 1420,
    strictPort: true,
    host: 'localhost',
  },
  build: {
    outDir: mode === 'mock' ? 'dist-mock' : 'dist',
    emptyOutDir: true,
    // The desktop webviews: WebKitGTK / WKWebView (Safari 16 level) and WebView2 (Chromium).
    target: ['es2022', 'safari16', 'chrome107'],
    sourcemap: mode === 'mock',
    // One bundle for a desktop app that loads it from disk: the grid library is most of it.
    chunkSizeWarningLimit: 1000,
  },
  test: {
    include: ['src/**/*.test.{ts,tsx}'],
    environment: 'node',
  },
}));
