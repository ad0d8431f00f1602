import { sql } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import { useTestDatabase } from "../testing/index.ts";
import { vacuumEmbeddedAsNeeded } from "./embedded-vacuum.ts";

const context = useTestDatabase();
const onPostgres = inject("auditTestDatabase").engine === "postgres";

/** `jobs` rows for `count` jobs of one bot, accepted a second apart. */
const insertJobs = (count: number) =>
  context.handle.query(sql`INSERT INTO jobs (job_id, bot_id, accepted_at)
    SELECT gen_random_uuid(), 'vacuum-bot', timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second'
    FROM generate_series(1, ${count}) AS g`);

interface TableActivity extends Record<string, unknown> {
  vacuums: number;
  analyzes: number;
}

/** Manual VACUUMs and ANALYZEs of a table so far (autovacuum's own are counted apart). */
async function activityOf(table: string): Promise<TableActivity> {
  const [row] = await context.handle.query<TableActivity>(sql`
    SELECT vacuum_count::integer AS vacuums, analyze_count::integer AS analyzes
    FROM pg_stat_user_tables WHERE relname = ${table}`);
  if (!row) throw new Error(`no statistics for ${table}`);
  return row;
}

describe("vacuumEmbeddedAsNeeded", () => {
  it.runIf(!onPostgres)(
    "on PGlite, vacuums and analyzes the tables past autovacuum's thresholds, and only those",
    async () => {
      // Defaults: vacuum past 1000 + 0.2 × rows inserted, analyze past 50 + 0.1 × rows changed.
      // A new table has no rows known, so 2,000 inserted jobs are past both; job_stages got none.
      await insertJobs(2000);
      expect(await vacuumEmbeddedAsNeeded(context.handle)).toMatchObject({
        vacuumed: expect.arrayContaining(["jobs"]),
      });
      expect(await activityOf("jobs")).toEqual({ vacuums: 1, analyzes: 1 });
      expect(await activityOf("job_stages")).toEqual({ vacuums: 0, analyzes: 0 });

      // Nothing changed since: nothing is due.
      expect(await vacuumEmbeddedAsNeeded(context.handle)).toEqual({ vacuumed: [], analyzed: [] });

      // jobs now has 2,000 rows known: 300 updated rows pass the analyze threshold (50 + 200) but
      // leave at most 300 dead rows, under the vacuum threshold (50 + 400).
      await context.handle.query(sql`UPDATE jobs SET meta = '{"touched": true}'
      WHERE job_id IN (SELECT job_id FROM jobs ORDER BY accepted_at LIMIT 300)`);
      const report = await vacuumEmbeddedAsNeeded(context.handle);
      expect(report?.analyzed).toContain("jobs");
      expect(report?.vacuumed).not.toContain("jobs");
      expect(await activityOf("jobs")).toEqual({ vacuums: 1, analyzes: 2 });
    },
  );

  it.runIf(onPostgres)(
    "on PostgreSQL, leaves it to the server's autovacuum and runs nothing",
    async () => {
      await insertJobs(2000);
      expect(await vacuumEmbeddedAsNeeded(context.handle)).toBeNull();
      expect(await activityOf("jobs")).toMatchObject({ vacuums: 0 });
    },
  );
});
