import type { AuditDb } from "@forusbots/db";
import { jobDurationSeconds, jobStageCount } from "@forusbots/db/metric-sql";
import { type Job, jobs } from "@forusbots/db/schema";
import { and, desc, eq, getTableColumns, sql } from "drizzle-orm";
import { z } from "zod";
import { isOrderedRange, JOB_STATES, MAX_RECENT_JOBS } from "../contract/index.ts";
import { invalidField, withDatabaseErrors } from "../errors.ts";
import { botIdSchema, jobIdSchema, timestampSchema } from "../events/fields.ts";
import { parseWith } from "../events/parse.ts";
import { RANGE_ORDER_ISSUE } from "./filters.ts";
import { acceptedAtMicros, type JobKey, olderThan } from "./keyset.ts";

/** A row of `recent_jobs`: every `jobs` column, the duration in seconds and the stage count. */
export interface RecentJob extends Job {
  durationSeconds: number | null;
  stageCount: number;
}

export interface RecentJobsPage {
  jobs: RecentJob[];
  /** Pass as `before` for the next (older) page; null when there is none. */
  nextCursor: string | null;
}

const recentJobsOptionsSchema = z
  .strictObject({
    botId: botIdSchema.optional(),
    state: z.enum(JOB_STATES).optional(),
    limit: z
      .number()
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(MAX_RECENT_JOBS, `must be at most ${MAX_RECENT_JOBS}`)
      .default(MAX_RECENT_JOBS),
    before: z.string().optional(),
    /** Jobs accepted in [from, to) only. */
    from: timestampSchema.optional(),
    to: timestampSchema.optional(),
  })
  .refine(isOrderedRange, RANGE_ORDER_ISSUE);

export type RecentJobsOptions = z.input<typeof recentJobsOptionsSchema>;

/** The cursor is the last row's key, so a page starts right after it whatever arrives meanwhile. */
const encodeCursor = (cursor: JobKey): string =>
  Buffer.from(`${cursor.acceptedAtMicros}/${cursor.jobId}`).toString("base64url");

function decodeCursor(text: string): JobKey {
  const [micros, jobId, ...rest] = Buffer.from(text, "base64url").toString("utf8").split("/");
  const id = jobIdSchema.safeParse(jobId);
  if (rest.length > 0 || !micros || !/^-?\d{1,18}$/.test(micros) || !id.success) {
    throw invalidField("before", "not a cursor returned by getRecentJobs");
  }
  return { acceptedAtMicros: micros, jobId: id.data };
}

/** Which filters a page applies: each combination is its own statement. */
interface PageShape {
  byBot: boolean;
  byState: boolean;
  afterCursor: boolean;
  fromTime: boolean;
  toTime: boolean;
}

const JOB_COLUMNS = Object.entries(getTableColumns(jobs));

/** A job of a page as JSON: every column under its field name, the computed figures, its key. */
const jobAsJson = sql`json_build_object(${sql.join(
  [
    ...JOB_COLUMNS.map(([key, column]) => sql`${sql.raw(`'${key}'`)}, ${column}`),
    sql`'durationSeconds', ${jobDurationSeconds()}`,
    // Evaluated above the LIMIT, so one index probe per row of the page; a grouped count over
    // the page's ids makes the same probes and was slower on PGlite (measured).
    sql`'stageCount', ${jobStageCount()}`,
    sql`'acceptedAtMicros', ${acceptedAtMicros}`,
  ],
  sql`, `,
)})`;

/**
 * The page query of one filter shape, its values left as placeholders so that one statement
 * serves every bot, state, cursor and limit. Prepared and kept, drizzle builds its SQL once and
 * PostgreSQL parses it once per connection: at 1M jobs, doing both at every call was about
 * 0.5 ms of the 1.9 ms a page took. The page comes back as one JSON value: PGlite hands a result
 * across its WebAssembly boundary one value at a time, which for 100 jobs of 14 fields cost more
 * than finding them (BENCHMARKS.md, "Reads that pick their source").
 */
function prepareRecentJobsQuery(db: AuditDb, shape: PageShape, name: string) {
  const page = db
    .select({
      job: jobAsJson.as("job"),
      acceptedAt: jobs.acceptedAt,
      jobId: jobs.jobId,
    })
    .from(jobs)
    .where(
      and(
        shape.byBot ? eq(jobs.botId, sql.placeholder("botId")) : undefined,
        shape.byState ? eq(jobs.state, sql.placeholder("state")) : undefined,
        shape.fromTime ? sql`${jobs.acceptedAt} >= ${sql.placeholder("from")}` : undefined,
        shape.toTime ? sql`${jobs.acceptedAt} < ${sql.placeholder("to")}` : undefined,
        shape.afterCursor
          ? olderThan({
              acceptedAtMicros: sql.placeholder("afterMicros"),
              jobId: sql.placeholder("afterJobId"),
            })
          : undefined,
      ),
    )
    .orderBy(desc(jobs.acceptedAt), desc(jobs.jobId))
    .limit(sql.placeholder("limit"))
    .as("page");
  return db
    .select({
      jobs: sql<string>`coalesce(json_agg(${page.job} ORDER BY ${page.acceptedAt} DESC, ${page.jobId} DESC), '[]')::text`,
    })
    .from(page)
    .prepare(name);
}

/** The job's fields that are timestamps, which JSON holds as text. */
type TimestampField = {
  [Field in keyof RecentJob]-?: Date extends NonNullable<RecentJob[Field]> ? Field : never;
}[keyof RecentJob];

/**
 * A job as the page's JSON holds it: timestamps as text, the rest as the job has it. A timestamp
 * column added to `jobs` shows up here as text, and `decodeJob` stops compiling until it turns
 * it back into a `Date`.
 */
type JobJson = {
  [Field in keyof RecentJob]: Field extends TimestampField
    ? null extends RecentJob[Field]
      ? string | null
      : string
    : RecentJob[Field];
} & { acceptedAtMicros: string };

const dateOrNull = (text: string | null): Date | null => (text === null ? null : new Date(text));

/** Timestamps parsed as drizzle parses them (the text's offset kept, microseconds cut to ms). */
function decodeJob({
  acceptedAt,
  startedAt,
  finishedAt,
  ...rest
}: JobJson): RecentJob & { acceptedAtMicros: string } {
  return {
    ...rest,
    acceptedAt: new Date(acceptedAt),
    startedAt: dateOrNull(startedAt),
    finishedAt: dateOrNull(finishedAt),
  };
}

type RecentJobsQuery = ReturnType<typeof prepareRecentJobsQuery>;

/** A prepared query runs on the handle (or transaction) it was built on; it goes with it. */
const preparedQueries = new WeakMap<AuditDb, Map<string, RecentJobsQuery>>();

function recentJobsQuery(db: AuditDb, shape: PageShape): RecentJobsQuery {
  const filters = [
    shape.byBot && "bot",
    shape.byState && "state",
    shape.fromTime && "from",
    shape.toTime && "to",
    shape.afterCursor && "after",
  ];
  const name = ["recent_jobs", ...filters.filter(Boolean)].join("_");
  let queries = preparedQueries.get(db);
  if (!queries) {
    queries = new Map();
    preparedQueries.set(db, queries);
  }
  let query = queries.get(name);
  if (!query) {
    query = prepareRecentJobsQuery(db, shape, name);
    queries.set(name, query);
  }
  return query;
}

/**
 * Jobs newest first (accepted_at, then job_id, descending: the view's order), filtered by bot,
 * state and a range of acceptance, a page at a time; keyset pagination goes back past the view's 100 rows.
 */
export async function getRecentJobs(
  db: AuditDb,
  options: RecentJobsOptions = {},
): Promise<RecentJobsPage> {
  const { botId, state, limit, before, from, to } = parseWith(recentJobsOptionsSchema, options);
  const after = before === undefined ? undefined : decodeCursor(before);
  const query = recentJobsQuery(db, {
    byBot: botId !== undefined,
    byState: state !== undefined,
    afterCursor: after !== undefined,
    fromTime: from !== undefined,
    toTime: to !== undefined,
  });
  const [result] = await withDatabaseErrors(() =>
    query.execute({
      botId,
      state,
      from: from?.toISOString(),
      to: to?.toISOString(),
      afterMicros: after?.acceptedAtMicros,
      afterJobId: after?.jobId,
      // One more than asked: whether it comes back says if there is a next page.
      limit: limit + 1,
    }),
  );
  const rows = (JSON.parse(result?.jobs ?? "[]") as JobJson[]).map(decodeJob);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    jobs: page.map(({ acceptedAtMicros: _, ...job }) => job),
    nextCursor:
      rows.length > limit && last
        ? encodeCursor({ acceptedAtMicros: last.acceptedAtMicros, jobId: last.jobId })
        : null,
  };
}
