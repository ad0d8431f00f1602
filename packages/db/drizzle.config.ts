import { defineConfig } from "drizzle-kit";
import { loadConfig } from "./src/config.ts";

// The database is the one every other command uses: DATABASE_URL, else the embedded PGlite folder
// (AUDIT_DB_PATH or <repo>/.data/audit-db), so `drizzle-kit migrate | check | studio` and
// `pnpm db:studio` work on it. `generate` needs no database: it diffs src/schema against the
// snapshots in migrations/meta.
const { database } = loadConfig();

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/schema/index.ts",
  out: "./migrations",
  strict: true,
  verbose: true,
  ...(database.engine === "postgres"
    ? { dbCredentials: { url: database.url } }
    : { driver: "pglite", dbCredentials: { url: database.dataDir } }),
});
