import { type AuditDb, isEmbedded } from "@forusbots/db";
import { botJobHourly, jobs } from "@forusbots/db/schema";
import { getTableName, sql } from "drizzle-orm";
import { queryRows } from "../query-rows.ts";
import { HOUR_MS } from "./read-options.ts";

/** How busy the data is on average, from the statistics ANALYZE keeps for the planner. */
export interface JobDensity {
  /** Jobs per hour that has any job: the rows a range of `jobs` holds per hour of it. */
  jobsPerHour: number;
  /** Bots with any job: what one bot's share of an hour is divided by. */
  bots: number;
}

/** Statistics change only when ANALYZE runs; reading them once a minute keeps their cost off reads. */
const DENSITY_TTL_MS = 60_000;

const densities = new WeakMap<AuditDb, { density: JobDensity | undefined; readAt: number }>();

/**
 * The average density of `jobs`, or undefined where the tables were never analyzed (PGlite has no
 * autovacuum; a database fresh from COPY has no statistics yet). Read from `pg_class` and
 * `pg_stats`: the rows of `jobs`, and how many distinct hours and bots the hourly rollup holds —
 * a few catalog rows, however large the tables, cached per handle for a minute.
 */
export async function jobDensity(db: AuditDb): Promise<JobDensity | undefined> {
  const cached = densities.get(db);
  const now = Date.now();
  if (cached && now - cached.readAt < DENSITY_TTL_MS) return cached.density;
  const density = await readJobDensity(db);
  densities.set(db, { density, readAt: now });
  return density;
}

async function readJobDensity(db: AuditDb): Promise<JobDensity | undefined> {
  // n_distinct < 0 is a fraction of the table's rows: ANALYZE's way of saying "grows with it".
  const distinct = (column: string) => sql`(SELECT CASE WHEN s.n_distinct < 0
      THEN -s.n_distinct * greatest(r.reltuples, 0) ELSE s.n_distinct END
    FROM pg_stats s
    WHERE s.schemaname = n.nspname AND s.tablename = r.relname AND s.attname = ${column})::float8`;
  const [row] = await queryRows<{ jobs: number; hours: number | null; bots: number | null }>(
    db,
    sql`SELECT j.reltuples::float8 AS jobs, ${distinct(botJobHourly.hour.name)} AS hours,
        ${distinct(botJobHourly.botId.name)} AS bots
      FROM pg_class j, pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace
      WHERE j.oid = to_regclass(${getTableName(jobs)})
        AND r.oid = to_regclass(${getTableName(botJobHourly)})`,
  );
  // reltuples is -1 for a table never vacuumed nor analyzed.
  if (!row || row.jobs < 0 || !row.hours || !row.bots) return undefined;
  return { jobsPerHour: row.jobs / row.hours, bots: row.bots };
}

/**
 * The most jobs a range may be expected to hold for `jobs` to be read instead of the rollup,
 * measured (BENCHMARKS.md, "Sparse ranges read `jobs`"). Up to it, the rollup's statement (up to
 * three parts and a JSON value) costs more than the rows it saves over a GROUP BY of the jobs
 * themselves. PGlite's is lower: every row of a plain read crosses its WebAssembly boundary on its
 * own, where the rollup's JSON crosses once.
 */
const FEW_JOBS = { postgres: 1_000, embedded: 250 };

/** Whether the range (of the bot, if one) is expected to hold no more than FEW_JOBS jobs. */
export async function holdsFewJobs(
  db: AuditDb,
  { from, to, botId }: { from: Date; to: Date; botId?: string | undefined },
): Promise<boolean> {
  const density = await jobDensity(db);
  // Unknown: never analyzed. The rollup's cost is bounded by its rows whatever the data.
  if (!density) return false;
  const hours = (to.getTime() - from.getTime()) / HOUR_MS;
  const expected = (density.jobsPerHour * hours) / (botId === undefined ? 1 : density.bots);
  return expected <= (isEmbedded(db) ? FEW_JOBS.embedded : FEW_JOBS.postgres);
}
