import { jobs } from "@forusbots/db/schema";
import { sql } from "drizzle-orm";

/** `duration_seconds` as the `recent_jobs` view defines it: finished_at − started_at in seconds. */
export const jobDurationSeconds = () =>
  sql<
    number | null
  >`(EXTRACT(EPOCH FROM (${jobs.finishedAt} - ${jobs.startedAt})))::double precision`.mapWith(
    Number,
  );
