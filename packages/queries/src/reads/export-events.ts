import type { AuditDb } from "@forusbots/db";
import { isTerminalState, type Job, type JobStage, jobStages, jobs } from "@forusbots/db/schema";
import { and, asc, eq, getTableColumns, inArray } from "drizzle-orm";
import { withDatabaseErrors } from "../errors.ts";
import { parseOptions } from "../events/parse.ts";
import type { AuditEvent, JobAcceptedEvent, StageEvent } from "../events/schemas.ts";
import { type RangeFilter, rangeConditions, rangeFilterSchema } from "./filters.ts";
import { acceptedAtMicros, type JobKey, newerThan } from "./keyset.ts";

/** Jobs read per round trip: memory stays flat however many jobs the range holds. */
const PAGE_SIZE = 500;

export type ExportFilter = RangeFilter;

// Stored JSON columns are typed loosely ({ [key]: unknown }); they were validated as JSON on the
// way in, which is what the event types say.
type EventJson = JobAcceptedEvent["meta"];

/**
 * The events that rebuild a stored job: accepted, started (if it did), its stages in the order
 * given, finished (if it did). Writing them into an empty database stores the same job and
 * stages; writing them again changes nothing.
 */
export function jobToEvents(job: Job & { stages: readonly JobStage[] }): AuditEvent[] {
  const events: AuditEvent[] = [
    {
      type: "job.accepted",
      jobId: job.jobId,
      botId: job.botId,
      at: job.acceptedAt,
      meta: job.meta as EventJson,
      ...(job.createdBy ? { createdBy: job.createdBy } : {}),
    },
  ];
  if (job.startedAt) events.push({ type: "job.started", jobId: job.jobId, at: job.startedAt });
  for (const stage of job.stages) {
    const event: StageEvent = {
      type: "stage",
      jobId: stage.jobId,
      stageName: stage.stageName,
      startedAt: stage.startedAt,
      // Written even when null (an end never recorded), which ingest takes as such: left out,
      // it would be refused, and the stage could not be restored.
      endedAt: stage.endedAt,
      status: stage.status,
      meta: stage.meta as EventJson,
    };
    if (stage.error) event.error = stage.error as EventJson;
    events.push(event);
  }
  if (job.finishedAt && isTerminalState(job.state)) {
    events.push({
      type: "job.finished",
      jobId: job.jobId,
      state: job.state,
      at: job.finishedAt,
      ...(job.result ? { result: job.result as EventJson } : {}),
      ...(job.errorMessage !== null ? { errorMessage: job.errorMessage } : {}),
    });
  }
  return events;
}

/**
 * The stages of these jobs, each job's in the order its events list them (start time, then the
 * order stored). `db` may be a transaction, so that prune archives exactly the rows it deletes.
 */
export async function stagesOfJobs(
  db: AuditDb,
  jobIds: readonly string[],
): Promise<Map<string, JobStage[]>> {
  const stages = await withDatabaseErrors(() =>
    db
      .select()
      .from(jobStages)
      .where(inArray(jobStages.jobId, [...jobIds]))
      .orderBy(asc(jobStages.startedAt), asc(jobStages.id)),
  );
  const stagesByJob = new Map<string, JobStage[]>();
  for (const stage of stages) {
    const ofJob = stagesByJob.get(stage.jobId);
    if (ofJob) ofJob.push(stage);
    else stagesByJob.set(stage.jobId, [stage]);
  }
  return stagesByJob;
}

/** One event as a line of the export format (JSON Lines), what `ingest` reads back. */
export const exportLine = (event: AuditEvent): string => `${JSON.stringify(event)}\n`;

async function* exportPages(
  db: AuditDb,
  botId: string | undefined,
  range: { from?: Date; to?: Date },
): AsyncGenerator<AuditEvent> {
  let after: JobKey | undefined;
  for (;;) {
    const page = await withDatabaseErrors(() =>
      db
        .select({ ...getTableColumns(jobs), acceptedAtMicros })
        .from(jobs)
        .where(
          and(
            botId === undefined ? undefined : eq(jobs.botId, botId),
            ...rangeConditions(jobs.acceptedAt, range),
            after === undefined ? undefined : newerThan(after),
          ),
        )
        .orderBy(asc(jobs.acceptedAt), asc(jobs.jobId))
        .limit(PAGE_SIZE),
    );
    const last = page.at(-1);
    if (!last) return;
    const stagesByJob = await stagesOfJobs(
      db,
      page.map((job) => job.jobId),
    );
    for (const { acceptedAtMicros: _, ...job } of page) {
      yield* jobToEvents({ ...job, stages: stagesByJob.get(job.jobId) ?? [] });
    }
    if (page.length < PAGE_SIZE) return;
    after = { acceptedAtMicros: last.acceptedAtMicros, jobId: last.jobId };
  }
}

/**
 * Every job accepted in [from, to) (of one bot, if given), oldest first, as its events: what
 * `export` writes one per line, so that `export | ingest` into another database reproduces it.
 * The filter is checked at once; the database is read a page of jobs at a time as the caller
 * iterates.
 */
export function exportEvents(db: AuditDb, filter: ExportFilter = {}): AsyncIterable<AuditEvent> {
  const { botId, ...range } = parseOptions(rangeFilterSchema, filter);
  return exportPages(db, botId, range);
}
