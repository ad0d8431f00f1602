import type { DatabaseTarget } from "../config.ts";
import type { DatabaseHandle } from "./handle.ts";
import type { PostgresOptions } from "./postgres.ts";

// From config, not pglite.ts: importing the PGlite module would load PGlite for every caller.
export { IN_MEMORY } from "../config.ts";
export { type EmbeddedVacuumReport, vacuumEmbeddedAsNeeded } from "./embedded-vacuum.ts";
export {
  type AuditDb,
  type AuditDriver,
  type DatabaseHandle,
  type EmbeddedClient,
  embeddedClientOf,
  isEmbedded,
} from "./handle.ts";
export type { PostgresOptions } from "./postgres.ts";
export {
  describeServerIdentity,
  identifyServer,
  type ServerIdentity,
} from "./server-identity.ts";

export interface OpenOptions extends PostgresOptions {
  /**
   * The embedded database must exist already: what only reads (or adds rows to a migrated
   * schema) never creates one. PostgreSQL databases are never created, so this changes nothing there.
   */
  existingOnly?: boolean;
}

/**
 * Opens the audit database. Drivers load on demand: a PostgreSQL user never pays for PGlite's
 * WebAssembly start-up, and the embedded user never loads postgres.js.
 */
export async function openDatabase(
  target: DatabaseTarget,
  options: OpenOptions = {},
): Promise<DatabaseHandle> {
  if (target.engine === "postgres") {
    const { openPostgres } = await import("./postgres.ts");
    return openPostgres(target.url, options);
  }
  const { openPglite } = await import("./pglite.ts");
  return openPglite(target.dataDir, { existingOnly: options.existingOnly === true });
}
