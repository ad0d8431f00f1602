CREATE TABLE "job_stages" (
	"id" serial PRIMARY KEY NOT NULL,
	"job_id" uuid NOT NULL,
	"stage_name" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"status" text NOT NULL,
	"meta" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" jsonb,
	CONSTRAINT "ck_job_stages_stage_name_not_empty" CHECK ("job_stages"."stage_name" <> ''),
	CONSTRAINT "ck_job_stages_status" CHECK ("job_stages"."status" IN ('succeed', 'fail')),
	CONSTRAINT "ck_job_stages_timestamps_ordered" CHECK ("job_stages"."ended_at" IS NULL OR "job_stages"."ended_at" >= "job_stages"."started_at")
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"job_id" uuid PRIMARY KEY NOT NULL,
	"bot_id" text NOT NULL,
	"state" text DEFAULT 'queued' NOT NULL,
	"accepted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"meta" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"result" jsonb,
	"created_by" jsonb,
	"error_message" text,
	CONSTRAINT "ck_jobs_bot_id_not_empty" CHECK ("jobs"."bot_id" <> ''),
	CONSTRAINT "ck_jobs_state" CHECK ("jobs"."state" IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
	CONSTRAINT "ck_jobs_timestamps_ordered" CHECK (("jobs"."started_at" IS NULL OR "jobs"."started_at" >= "jobs"."accepted_at") AND ("jobs"."finished_at" IS NULL OR "jobs"."finished_at" >= COALESCE("jobs"."started_at", "jobs"."accepted_at"))),
	CONSTRAINT "ck_jobs_state_timestamps" CHECK (CASE "jobs"."state"
        WHEN 'queued' THEN "jobs"."started_at" IS NULL AND "jobs"."finished_at" IS NULL
        WHEN 'running' THEN "jobs"."started_at" IS NOT NULL AND "jobs"."finished_at" IS NULL
        WHEN 'canceled' THEN "jobs"."finished_at" IS NOT NULL
        ELSE "jobs"."started_at" IS NOT NULL AND "jobs"."finished_at" IS NOT NULL
      END)
);
--> statement-breakpoint
ALTER TABLE "job_stages" ADD CONSTRAINT "fk_job_stages_job_id" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("job_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_job_stages_job_id" ON "job_stages" USING btree ("job_id");--> statement-breakpoint
CREATE INDEX "idx_job_stages_stage_name" ON "job_stages" USING btree ("stage_name");--> statement-breakpoint
CREATE INDEX "idx_jobs_bot_id" ON "jobs" USING btree ("bot_id");--> statement-breakpoint
CREATE INDEX "idx_jobs_state" ON "jobs" USING btree ("state");--> statement-breakpoint
CREATE INDEX "idx_jobs_accepted_at" ON "jobs" USING btree ("accepted_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "idx_jobs_bot_id_state_accepted_at" ON "jobs" USING btree ("bot_id","state","accepted_at");