import { sql } from "drizzle-orm";
import {
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { millisecondsBetween } from "./durations.ts";
import { type JsonObject, jobs } from "./jobs.ts";
import type { StageStatus } from "./states.ts";

/** The longest `stage_name`, in characters: indexed like `bot_id`, for the same reason (jobs.ts). */
export const MAX_STAGE_NAME_LENGTH = 200;

export const jobStages = pgTable(
  "job_stages",
  {
    id: serial("id").primaryKey(),
    jobId: uuid("job_id").notNull(),
    stageName: text("stage_name").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
    status: text("status").$type<StageStatus>().notNull(),
    meta: jsonb("meta").$type<JsonObject>().notNull().default({}),
    error: jsonb("error").$type<JsonObject>(),
    durationMs: integer("duration_ms").generatedAlwaysAs(
      millisecondsBetween("started_at", "ended_at"),
    ),
  },
  (t) => [
    // Stages belong to their job: purging a job (retention) takes its stages with it.
    foreignKey({
      name: "fk_job_stages_job_id",
      columns: [t.jobId],
      foreignColumns: [jobs.jobId],
    }).onDelete("cascade"),
    index("idx_job_stages_job_id").on(t.jobId),
    // A stage is identified by its job, its name and when it started (the seed's
    // 006_job_stages_dedupe): replaying a stage event must not store it twice.
    unique("uq_job_stages_job_id_stage_name_started_at").on(t.jobId, t.stageName, t.startedAt),
    index("idx_job_stages_stage_name").on(t.stageName),
    // Stage percentiles (p50/p95 by stage name) are read from this index in order.
    index("idx_job_stages_stage_name_duration_ms").on(t.stageName, t.durationMs),
    check("ck_job_stages_stage_name_not_empty", sql`${t.stageName} <> ''`),
    check(
      "ck_job_stages_stage_name_length",
      sql`char_length(${t.stageName}) <= ${sql.raw(String(MAX_STAGE_NAME_LENGTH))}`,
    ),
    check("ck_job_stages_status", sql`${t.status} IN ('succeed', 'fail')`),
    check(
      "ck_job_stages_timestamps_ordered",
      sql`${t.endedAt} IS NULL OR ${t.endedAt} >= ${t.startedAt}`,
    ),
  ],
);

export type JobStage = typeof jobStages.$inferSelect;
export type NewJobStage = typeof jobStages.$inferInsert;
