import { jobs } from "@forusbots/db/schema";
import { type Placeholder, type SQL, sql } from "drizzle-orm";

/**
 * Keyset pagination over jobs by (accepted_at, job_id), the order of `recent_jobs`. The time is
 * carried in whole microseconds, as PostgreSQL stores it: a `Date` would round it to the
 * millisecond and skip or repeat jobs accepted within one millisecond of each other.
 */
export interface JobKey {
  acceptedAtMicros: string;
  jobId: string;
}

/** A key's values, or placeholders for them in a prepared statement. */
export type JobKeyValues = { [Field in keyof JobKey]: JobKey[Field] | Placeholder };

/** Select this beside a job to build its key. */
export const acceptedAtMicros = sql<string>`((EXTRACT(EPOCH FROM ${jobs.acceptedAt}) * 1000000)::bigint)::text`;

const keyTuple = (key: JobKeyValues): SQL =>
  sql`('epoch'::timestamptz + ${key.acceptedAtMicros}::bigint * interval '1 microsecond', ${key.jobId}::uuid)`;

/** Jobs that sort before `key` (older), for newest-first pages. */
export const olderThan = (key: JobKeyValues): SQL =>
  sql`(${jobs.acceptedAt}, ${jobs.jobId}) < ${keyTuple(key)}`;

/** Jobs that sort after `key` (newer), for oldest-first pages. */
export const newerThan = (key: JobKeyValues): SQL =>
  sql`(${jobs.acceptedAt}, ${jobs.jobId}) > ${keyTuple(key)}`;
