import type { AuditDb } from "@forusbots/db";
import { jobs } from "@forusbots/db/schema";
import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import { withDatabaseErrors } from "../errors.ts";
import { parseOptions } from "../events/parse.ts";
import { type RangeFilter, rangeConditions, rangeFilterSchema } from "./filters.ts";

/** Most groups one read returns: past this, the rarest errors are left off (and counted). */
export const MAX_FAILURE_GROUPS = 100;

/** Failed jobs whose error messages read the same once ids and numbers are set aside. */
export interface FailureGroup {
  /** The normalised message: UUIDs as `<id>`, numbers as `<n>`, runs of spaces as one. */
  signature: string;
  /** The newest message of the group as it was stored. */
  latestMessage: string | null;
  /** The newest failed job of the group, to open as an example. */
  latestJobId: string;
  failures: number;
  /** When the group's first and last failed jobs were accepted. */
  firstSeen: Date;
  lastSeen: Date;
  /** The bots whose jobs failed this way, in byte order. */
  botIds: string[];
}

export interface FailureGroups {
  groups: FailureGroup[];
  /** Failed jobs in the range, in every group, shown or not. */
  totalFailures: number;
  /** Groups beyond MAX_FAILURE_GROUPS, not returned. */
  omittedGroups: number;
}

/** What a failed job without an error message is grouped under. */
export const NO_ERROR_MESSAGE = "(no error message)";

/**
 * A message with what varies between two occurrences of one error (a job's id, a count, a port, a
 * duration) replaced, so that "timeout after 30000 ms on 10.0.0.7" and "… 45000 ms on 10.0.0.9"
 * land in one group. Numbers are whole words only (`\y`), so codes such as E_PARSE2 or v8 stay.
 * Done in SQL so that the database groups, and a million failures never leave it. Literals, not
 * parameters: GROUP BY matches the selected expression only if it is the same text, and each
 * parameter would get its own number.
 */
const normalisedMessage = (message: SQL | typeof jobs.errorMessage): SQL<string> => sql<string>`
  COALESCE(
    btrim(regexp_replace(regexp_replace(regexp_replace(${message},
      '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}', '<id>', 'g'),
      '\\y[0-9]+([.:,][0-9]+)*\\y', '<n>', 'g'),
      '\\s+', ' ', 'g')),
    ${sql.raw(`'${NO_ERROR_MESSAGE}'`)})`;

/**
 * Failed jobs accepted in [from, to), grouped by normalised error message, the largest group
 * first (then the most recent). Ranged by acceptance like every list of jobs, so the counts here
 * add up to the failed jobs the jobs list shows for the same range.
 */
export async function getFailureGroups(
  db: AuditDb,
  filter: RangeFilter = {},
): Promise<FailureGroups> {
  const { botId, ...range } = parseOptions(rangeFilterSchema, filter);
  const signature = normalisedMessage(jobs.errorMessage);
  const failures = sql<number>`count(*)`.mapWith(Number);
  const rows = await withDatabaseErrors(() =>
    db
      .select({
        signature,
        latestMessage: sql<
          string | null
        >`(array_agg(${jobs.errorMessage} ORDER BY ${jobs.acceptedAt} DESC, ${jobs.jobId} DESC))[1]`,
        latestJobId: sql<string>`(array_agg(${jobs.jobId} ORDER BY ${jobs.acceptedAt} DESC, ${jobs.jobId} DESC))[1]`,
        failures,
        firstSeen: sql<Date>`min(${jobs.acceptedAt})`.mapWith(jobs.acceptedAt),
        lastSeen: sql<Date>`max(${jobs.acceptedAt})`.mapWith(jobs.acceptedAt),
        botIds: sql<
          string[]
        >`array_agg(DISTINCT ${jobs.botId} COLLATE "C" ORDER BY ${jobs.botId} COLLATE "C")`,
        groupCount: sql<number>`count(*) OVER ()`.mapWith(Number),
        totalFailures: sql<number>`sum(count(*)) OVER ()`.mapWith(Number),
      })
      .from(jobs)
      .where(
        and(
          eq(jobs.state, "failed"),
          botId === undefined ? undefined : eq(jobs.botId, botId),
          ...rangeConditions(jobs.acceptedAt, range),
        ),
      )
      .groupBy(signature)
      .orderBy(desc(failures), desc(sql`max(${jobs.acceptedAt})`), sql`${signature} COLLATE "C"`)
      .limit(MAX_FAILURE_GROUPS),
  );
  const first = rows[0];
  return {
    groups: rows.map(({ groupCount: _, totalFailures: __, ...group }) => group),
    totalFailures: first?.totalFailures ?? 0,
    omittedGroups: first === undefined ? 0 : first.groupCount - rows.length,
  };
}
