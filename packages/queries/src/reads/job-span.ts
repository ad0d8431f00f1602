import type { AuditDb } from "@forusbots/db";
import { jobs } from "@forusbots/db/schema";
import { eq, max, min } from "drizzle-orm";
import { withDatabaseErrors } from "../errors.ts";

/** When the first and the last job were accepted; both null when there is no job. */
export interface JobSpan {
  first: Date | null;
  last: Date | null;
}

/**
 * The span of the recorded history, so a view whose default range holds nothing can open on the
 * data there is instead of an empty page. Two ends of the accepted_at index.
 */
export async function getJobSpan(db: AuditDb, filter: { botId?: string } = {}): Promise<JobSpan> {
  const [row] = await withDatabaseErrors(() =>
    db
      .select({ first: min(jobs.acceptedAt), last: max(jobs.acceptedAt) })
      .from(jobs)
      .where(filter.botId === undefined ? undefined : eq(jobs.botId, filter.botId)),
  );
  return { first: row?.first ?? null, last: row?.last ?? null };
}
