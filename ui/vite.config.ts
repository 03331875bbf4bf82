import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));

// The production build has exactly one entry, index.html. mock.html (the browser mock of the
// IPC used for development and screenshots) is only served by the dev server.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
    // the catalogs live in ../locales
    fs: { allow: [here, fileURLToPath(new URL("../locales", import.meta.url))] },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    rollupOptions: { input: fileURLToPath(new URL("./index.html", import.meta.url)) },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
