import { defineConfig } from "drizzle-kit";

// Generation needs no database: drizzle-kit diffs src/schema against the snapshots in migrations/meta.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/schema/index.ts",
  out: "./migrations",
  strict: true,
  verbose: true,
});
