import type { TestDatabase } from "@forusbots/db/testing";
import { sql } from "drizzle-orm";

/**
 * Every stored row of both tables as text, in a stable order, for comparing two databases (or
 * one database before and after). `job_stages.id` is left out: a serial number says in which
 * order rows were inserted, not what was recorded.
 */
export async function readAllRows(
  database: TestDatabase,
): Promise<{ jobs: string[]; stages: string[] }> {
  const handle = await database.open();
  try {
    const jobs = await handle.query<{ row: string }>(
      sql`SELECT row_to_json(j)::text AS row FROM (SELECT * FROM jobs ORDER BY job_id) j`,
    );
    const stages = await handle.query<{ row: string }>(sql`
      SELECT row_to_json(s)::text AS row FROM (
        SELECT job_id, stage_name, started_at, ended_at, status, meta, error, duration_ms
        FROM job_stages ORDER BY job_id, started_at, stage_name
      ) s`);
    return { jobs: jobs.map((r) => r.row), stages: stages.map((r) => r.row) };
  } finally {
    // On PGlite the CLI cannot open the database while this handle holds its lock.
    await handle.close();
  }
}
