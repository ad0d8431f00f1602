import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { millisecondsBetween } from "./durations.ts";
import type { JobState } from "./states.ts";

/** Who asked for a job, as the seed describes `created_by`: { name, role, at }. */
export interface CreatedBy {
  name: string;
  role: string;
  at: string;
}

export type JsonObject = { [key: string]: unknown };

/**
 * The longest `bot_id`, in characters. The column is indexed (alone and with the state and the
 * time): a btree entry holds at most 2,704 bytes, and a value past it makes PostgreSQL refuse the
 * whole statement it came in (54000). 200 characters take at most 800 bytes in UTF-8, far inside
 * that, and far more than any name a person reads in a table.
 */
export const MAX_BOT_ID_LENGTH = 200;

export const jobs = pgTable(
  "jobs",
  {
    jobId: uuid("job_id").primaryKey(),
    botId: text("bot_id").notNull(),
    state: text("state").$type<JobState>().notNull().default("queued"),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    meta: jsonb("meta").$type<JsonObject>().notNull().default({}),
    result: jsonb("result").$type<JsonObject>(),
    createdBy: jsonb("created_by").$type<CreatedBy>(),
    errorMessage: text("error_message"),
    durationMs: integer("duration_ms").generatedAlwaysAs(
      millisecondsBetween("started_at", "finished_at"),
    ),
  },
  (t) => [
    index("idx_jobs_bot_id").on(t.botId),
    index("idx_jobs_state").on(t.state),
    // DESC NULLS FIRST is what `ORDER BY accepted_at DESC` means, so recent-first reads walk the index.
    index("idx_jobs_accepted_at").on(t.acceptedAt.desc().nullsFirst()),
    index("idx_jobs_bot_id_state_accepted_at").on(t.botId, t.state, t.acceptedAt),
    // Per-bot duration percentiles read this instead of sorting every finished job of the bot.
    index("idx_jobs_bot_id_duration_ms").on(t.botId, t.durationMs),
    check("ck_jobs_bot_id_not_empty", sql`${t.botId} <> ''`),
    check(
      "ck_jobs_bot_id_length",
      sql`char_length(${t.botId}) <= ${sql.raw(String(MAX_BOT_ID_LENGTH))}`,
    ),
    check(
      "ck_jobs_state",
      sql`${t.state} IN ('queued', 'running', 'succeeded', 'failed', 'canceled')`,
    ),
    check(
      "ck_jobs_timestamps_ordered",
      sql`(${t.startedAt} IS NULL OR ${t.startedAt} >= ${t.acceptedAt}) AND (${t.finishedAt} IS NULL OR ${t.finishedAt} >= COALESCE(${t.startedAt}, ${t.acceptedAt}))`,
    ),
    // A state implies which lifecycle timestamps exist, so a half-written job cannot look finished.
    check(
      "ck_jobs_state_timestamps",
      sql`CASE ${t.state}
        WHEN 'queued' THEN ${t.startedAt} IS NULL AND ${t.finishedAt} IS NULL
        WHEN 'running' THEN ${t.startedAt} IS NOT NULL AND ${t.finishedAt} IS NULL
        WHEN 'canceled' THEN ${t.finishedAt} IS NOT NULL
        ELSE ${t.startedAt} IS NOT NULL AND ${t.finishedAt} IS NOT NULL
      END`,
    ),
  ],
);

export type Job = typeof jobs.$inferSelect;
export type NewJob = typeof jobs.$inferInsert;
