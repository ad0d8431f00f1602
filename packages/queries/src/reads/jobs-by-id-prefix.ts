import type { AuditDb } from "@forusbots/db";
import { jobs } from "@forusbots/db/schema";
import { asc, between } from "drizzle-orm";
import type { JobIdRange } from "../contract/job-id-prefix.ts";
import { withDatabaseErrors } from "../errors.ts";

/** Enough of a job to tell candidates apart when a prefix is ambiguous. */
export interface JobIdCandidate {
  jobId: string;
  botId: string;
  state: string;
  acceptedAt: Date;
}

/**
 * The jobs whose id starts with the prefix, in id order, at most `limit` of them (ask for one more
 * than you will show to know that there are more).
 */
export function findJobsByIdPrefix(
  db: AuditDb,
  range: JobIdRange,
  limit: number,
): Promise<JobIdCandidate[]> {
  return withDatabaseErrors(() =>
    db
      .select({
        jobId: jobs.jobId,
        botId: jobs.botId,
        state: jobs.state,
        acceptedAt: jobs.acceptedAt,
      })
      .from(jobs)
      .where(between(jobs.jobId, range.first, range.last))
      .orderBy(asc(jobs.jobId))
      .limit(limit),
  );
}
