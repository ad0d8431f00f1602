import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig } from "vite";

/** The page is built into dist/, which the console server serves (`pnpm console`). */
export default defineConfig({
  plugins: [react()],
  // The page imports the workspace's packages from their sources, as every in-repo tool does
  // (SOURCE_CONDITION in @forusbots/db/testing), never from a dist/ that may be older.
  resolve: { conditions: ["@forusbots/source", ...defaultClientConditions] },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Each page is its own chunk (app.tsx imports them lazily), so the charts library is loaded
    // only by the pages that draw charts; the browser tests measure what the first page loads.
  },
  server: {
    // `pnpm --filter @forusbots/console dev`: the page with hot reload, the API from a console
    // started beside it (`pnpm console`, port 3000).
    proxy: { "/api": "http://127.0.0.1:3000" },
  },
});
