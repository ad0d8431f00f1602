import { type AuditDb, isEmbedded } from "@forusbots/db";
import { jobStageCount } from "@forusbots/db/metric-sql";
import {
  type CreatedBy,
  type Job,
  type JobState,
  type JsonObject,
  jobs,
} from "@forusbots/db/schema";
import { and, eq, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { isOrderedRange, JOB_STATES, MAX_RECENT_JOBS } from "../contract/index.ts";
import { invalidField, withDatabaseErrors } from "../errors.ts";
import { botIdSchema, jobIdSchema, timestampSchema } from "../events/fields.ts";
import { parseOptions } from "../events/parse.ts";
import { RANGE_ORDER_ISSUE } from "./filters.ts";
import { type JobKey, olderThan } from "./keyset.ts";
import { type PreparedRead, preparedRead } from "./prepared-read.ts";
import {
  epochMicrosText,
  microsBetween,
  parseTimestampText,
  type TimestampText,
} from "./timestamp-text.ts";

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

/**
 * A page's columns, in the order its rows (or, on PGlite, the JSON arrays standing for them)
 * carry them; `decodePageRow` reads them back in this order. The duration in seconds and the
 * cursor's microseconds are worked out from the timestamps in JavaScript: computed per row in
 * SQL, their numeric arithmetic was a fifth of the page's time on PGlite.
 */
const PAGE_COLUMNS: SQL[] = [
  sql`${jobs.jobId}`,
  sql`${jobs.botId}`,
  sql`${jobs.state}`,
  sql`${jobs.acceptedAt}`,
  sql`${jobs.startedAt}`,
  sql`${jobs.finishedAt}`,
  sql`${jobs.meta}`,
  sql`${jobs.result}`,
  sql`${jobs.createdBy}`,
  sql`${jobs.errorMessage}`,
  sql`${jobs.durationMs}`,
  // Evaluated above the LIMIT, so one index probe per row of the page; a grouped count over
  // the page's ids makes the same probes and costs a second round trip.
  jobStageCount(),
];

/** A page row as the drivers hand it over: timestamps as text, jsonb already parsed. */
type PageRow = [
  jobId: string,
  botId: string,
  state: JobState,
  acceptedAt: string,
  startedAt: string | null,
  finishedAt: string | null,
  meta: JsonObject,
  result: JsonObject | null,
  createdBy: CreatedBy | null,
  errorMessage: string | null,
  durationMs: number | null,
  stageCount: number,
];

/** A job of the page and the key of its row, for the cursor. */
interface PageJob {
  job: RecentJob;
  key: JobKey;
}

const dateOf = (time: TimestampText): Date => new Date(time.epochMs);

function decodePageRow(row: PageRow): PageJob {
  const [
    jobId,
    botId,
    state,
    acceptedText,
    startedText,
    finishedText,
    meta,
    result,
    createdBy,
    errorMessage,
    durationMs,
    stageCount,
  ] = row;
  const acceptedAt = parseTimestampText(acceptedText);
  const startedAt = startedText === null ? null : parseTimestampText(startedText);
  const finishedAt = finishedText === null ? null : parseTimestampText(finishedText);
  return {
    job: {
      jobId,
      botId,
      state,
      acceptedAt: dateOf(acceptedAt),
      startedAt: startedAt && dateOf(startedAt),
      finishedAt: finishedAt && dateOf(finishedAt),
      meta,
      result,
      createdBy,
      errorMessage,
      durationMs,
      // jobDurationSeconds, the view's duration_seconds: the exact interval in seconds rounded
      // once to a double, as an exact integer divided by 10^6 is (recent-jobs.test.ts compares).
      durationSeconds:
        startedAt && finishedAt ? microsBetween(startedAt, finishedAt) / 1_000_000 : null,
      stageCount,
    },
    key: { acceptedAtMicros: epochMicrosText(acceptedAt), jobId },
  };
}

/**
 * The page query of one filter shape, its values left as placeholders so that one statement
 * serves every bot, state, cursor and limit (`preparedRead`: at 1M jobs, building and parsing it
 * at every call was about 0.5 ms of the 1.9 ms a page took).
 *
 * On PGlite the page comes back as one JSON value: PGlite hands a result across its WebAssembly
 * boundary one value at a time, and 101 rows of 12 columns that way cost more than the query
 * (BENCHMARKS.md). PostgreSQL sends rows for less than it takes to build the JSON.
 */
function recentJobsQuery(db: AuditDb, shape: PageShape): PreparedRead<PageJob[]> {
  const filters = [
    shape.byBot && "bot",
    shape.byState && "state",
    shape.fromTime && "from",
    shape.toTime && "to",
    shape.afterCursor && "after",
  ];
  const name = ["recent_jobs", ...filters.filter(Boolean)].join("_");
  const embedded = isEmbedded(db);
  return preparedRead(
    db,
    name,
    () => pageStatement(shape, embedded),
    (rows) => {
      // The edge of the driver: the rows are what PAGE_COLUMNS selects, in its order.
      const pageRows = embedded
        ? (JSON.parse(String(rows[0]?.[0] ?? "[]")) as PageRow[])
        : (rows as PageRow[]);
      return pageRows.map(decodePageRow);
    },
  );
}

function pageStatement(shape: PageShape, embedded: boolean): SQL {
  const conditions = and(
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
  );
  const page = sql`SELECT ${sql.join(PAGE_COLUMNS, sql`, `)} FROM ${jobs}
    ${conditions ? sql`WHERE ${conditions}` : sql.empty()}
    ORDER BY ${jobs.acceptedAt} DESC, ${jobs.jobId} DESC
    LIMIT ${sql.placeholder("limit")}`;
  if (!embedded) return page;
  const aliases = PAGE_COLUMNS.map((_, index) => sql.raw(`c${index}`));
  // c3 and c0 are accepted_at and job_id: the page's order, kept inside the array.
  return sql`SELECT coalesce(json_agg(json_build_array(${sql.join(aliases, sql`, `)})
        ORDER BY c3 DESC, c0 DESC), '[]')::text
      FROM (${page}) AS page (${sql.join(aliases, sql`, `)})`;
}

/**
 * Jobs newest first (accepted_at, then job_id, descending: the view's order), filtered by bot,
 * state and a range of acceptance, a page at a time; keyset pagination goes back past the view's 100 rows.
 */
export async function getRecentJobs(
  db: AuditDb,
  options: RecentJobsOptions = {},
): Promise<RecentJobsPage> {
  const { botId, state, limit, before, from, to } = parseOptions(recentJobsOptionsSchema, options);
  const after = before === undefined ? undefined : decodeCursor(before);
  const query = recentJobsQuery(db, {
    byBot: botId !== undefined,
    byState: state !== undefined,
    afterCursor: after !== undefined,
    fromTime: from !== undefined,
    toTime: to !== undefined,
  });
  const rows = await withDatabaseErrors(() =>
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
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    jobs: page.map(({ job }) => job),
    nextCursor: rows.length > limit && last ? encodeCursor(last.key) : null,
  };
}
