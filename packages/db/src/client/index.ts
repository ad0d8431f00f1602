import type { DatabaseTarget } from "../config.ts";
import type { DatabaseHandle } from "./handle.ts";
import type { PostgresOptions } from "./postgres.ts";

// From config, not pglite.ts: importing the PGlite module would load PGlite for every caller.
export { IN_MEMORY } from "../config.ts";
export type { AuditDb, AuditDriver, DatabaseHandle } from "./handle.ts";
export type { PostgresOptions } from "./postgres.ts";
export {
  describeServerIdentity,
  identifyServer,
  type ServerIdentity,
} from "./server-identity.ts";

/**
 * Opens the audit database. Drivers load on demand: a PostgreSQL user never pays for PGlite's
 * WebAssembly start-up, and the embedded user never loads postgres.js.
 */
export async function openDatabase(
  target: DatabaseTarget,
  options: PostgresOptions = {},
): Promise<DatabaseHandle> {
  if (target.engine === "postgres") {
    const { openPostgres } = await import("./postgres.ts");
    return openPostgres(target.url, options);
  }
  const { openPglite } = await import("./pglite.ts");
  return openPglite(target.dataDir);
}
