import type { AuditDb } from "@forusbots/db";
import { botJobTotals } from "@forusbots/db/schema";
import { and, asc, gt, sql } from "drizzle-orm";
import { withDatabaseErrors } from "../errors.ts";
import { byteOrder } from "./filters.ts";

const jobStateTotal = sql<number>`${botJobTotals.queuedJobs} + ${botJobTotals.runningJobs} + ${botJobTotals.succeededJobs} + ${botJobTotals.failedJobs} + ${botJobTotals.canceledJobs}`;

/** `%`, `_` and the escape itself match literally in a LIKE pattern once escaped. */
const likeLiteral = (text: string): string => text.replace(/[\\%_]/g, (char) => `\\${char}`);

/**
 * The bots (having at least one job) whose id starts with `prefix`, case-insensitively, in byte
 * order, at most `limit`. Read from the per-bot totals: one row per bot, not one per job.
 */
export function findBotIdsByPrefix(db: AuditDb, prefix: string, limit: number): Promise<string[]> {
  return withDatabaseErrors(async () => {
    const rows = await db
      .select({ botId: botJobTotals.botId })
      .from(botJobTotals)
      .where(
        and(
          sql`${botJobTotals.botId} ILIKE ${`${likeLiteral(prefix)}%`}`,
          // A bot whose jobs were all deleted keeps its row, at zero.
          gt(jobStateTotal, 0),
        ),
      )
      .orderBy(asc(byteOrder(botJobTotals.botId)))
      .limit(limit);
    return rows.map((row) => row.botId);
  });
}
