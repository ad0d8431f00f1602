import type { DatabaseHandle } from "@forusbots/db";
import { sql } from "drizzle-orm";

export interface Fingerprint {
  jobs: number;
  stages: number;
  /** Order-independent sums of row hashes: equal sums mean, in practice, equal rows. */
  jobsHash: string;
  stagesHash: string;
}

/**
 * What the database holds, to show both ingest paths stored the same rows. Stage ids are left
 * out: they follow the order rows arrived in, which differs between the paths.
 */
export async function fingerprint(handle: DatabaseHandle): Promise<Fingerprint> {
  const [jobs] = await handle.query<{ rows: number; hash: string | null }>(
    sql`SELECT count(*)::integer AS rows, sum(hashtextextended(j::text, 0))::text AS hash FROM jobs j`,
  );
  const [stages] = await handle.query<{ rows: number; hash: string | null }>(
    sql`SELECT count(*)::integer AS rows,
          sum(hashtextextended((job_id, stage_name, started_at, ended_at, status, meta, error, duration_ms)::text, 0))::text AS hash
        FROM job_stages`,
  );
  return {
    jobs: Number(jobs?.rows ?? 0),
    stages: Number(stages?.rows ?? 0),
    jobsHash: jobs?.hash ?? "0",
    stagesHash: stages?.hash ?? "0",
  };
}
