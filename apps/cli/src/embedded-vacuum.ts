import {
  type DatabaseHandle,
  type EmbeddedVacuumReport,
  vacuumEmbeddedAsNeeded,
} from "@forusbots/db";

/** What an embedded vacuum did, as a command's JSON summary gives it (`embeddedVacuum`). */
export interface EmbeddedVacuumSummary extends EmbeddedVacuumReport {
  elapsedMs: number;
}

/**
 * After a command that wrote many rows (ingest, seed, prune): on the embedded database, what the
 * server's autovacuum would have done by now (`vacuumEmbeddedAsNeeded`: PGlite has none).
 * Undefined when no table was due, and always on PostgreSQL, where the server does it.
 */
export async function vacuumAfterWriting(
  handle: DatabaseHandle,
): Promise<EmbeddedVacuumSummary | undefined> {
  const started = performance.now();
  const report = await vacuumEmbeddedAsNeeded(handle);
  if (report === null || report.vacuumed.length + report.analyzed.length === 0) return undefined;
  return { ...report, elapsedMs: Math.round(performance.now() - started) };
}

/** The summary's line for a person. */
export function describeEmbeddedVacuum({
  vacuumed,
  analyzed,
  elapsedMs,
}: EmbeddedVacuumSummary): string {
  const parts = [
    vacuumed.length > 0 ? `vacuumed and analyzed ${vacuumed.join(", ")}` : "",
    analyzed.length > 0 ? `analyzed ${analyzed.join(", ")}` : "",
  ].filter(Boolean);
  return `Embedded database: ${parts.join("; ")} in ${(elapsedMs / 1000).toFixed(1)} s, as a server's autovacuum would have.`;
}

/** What `--help` of a command that calls `vacuumAfterWriting` says about it. */
export const EMBEDDED_VACUUM_HELP = `On the embedded database (no DATABASE_URL) it ends as a server's autovacuum would:
VACUUM (ANALYZE) of the tables its writes took past autovacuum's thresholds, reported
after the summary (in JSON, as embeddedVacuum).`;
