import type { AuditDb } from "@forusbots/db";
import { jobDurationSeconds } from "@forusbots/db/metric-sql";
import { type Job, type JobStage, jobStages, jobs } from "@forusbots/db/schema";
import { asc, eq, getTableColumns } from "drizzle-orm";
import { z } from "zod";
import { NotFoundError, withDatabaseErrors } from "../errors.ts";
import { jobIdSchema } from "../events/fields.ts";
import { parseOptions } from "../events/parse.ts";
import { nullableNumber } from "./sql-numbers.ts";

/** One job with every column, its duration in seconds, and its stages in the order they started. */
export interface JobDetail extends Job {
  durationSeconds: number | null;
  stages: JobStage[];
}

/** The job, or `NotFoundError`; a malformed id is a `ValidationError` naming `jobId`. */
export async function getJobWithStages(db: AuditDb, jobId: string): Promise<JobDetail> {
  const { jobId: id } = parseOptions(z.object({ jobId: jobIdSchema }), { jobId });
  return withDatabaseErrors(async () => {
    const [job] = await db
      .select({
        ...getTableColumns(jobs),
        durationSeconds: nullableNumber(jobDurationSeconds()),
      })
      .from(jobs)
      .where(eq(jobs.jobId, id));
    if (!job) throw new NotFoundError(id);
    const stages = await db
      .select()
      .from(jobStages)
      .where(eq(jobStages.jobId, id))
      .orderBy(asc(jobStages.startedAt), asc(jobStages.id));
    return { ...job, stages };
  });
}
