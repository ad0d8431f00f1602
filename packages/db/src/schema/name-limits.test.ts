import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { MigrationError } from "../errors.ts";
import { migrate } from "../migrator/index.ts";
import { getMigrationStatus } from "../migrator/plan.ts";
import { rollback } from "../migrator/rollback.ts";
import { useTestDatabase } from "../testing/index.ts";
import { MAX_STAGE_NAME_LENGTH } from "./job-stages.ts";
import { MAX_BOT_ID_LENGTH } from "./jobs.ts";

const JOB = "00000000-0000-4000-8000-0000000000b1";

describe("0008_name_length_limits", () => {
  const context = useTestDatabase({ migrated: false, connection: { maxConnections: 1 } });

  const addJob = (jobId: string, botId: string) =>
    context.handle.query(sql`INSERT INTO jobs (job_id, bot_id) VALUES (${jobId}, ${botId})`);
  const addStage = (stageName: string) =>
    context.handle.query(sql`
      INSERT INTO job_stages (job_id, stage_name, started_at, status)
      VALUES (${JOB}, ${stageName}, now(), 'succeed')`);
  const failureOf = async (work: () => Promise<unknown>): Promise<Error> => {
    try {
      await work();
    } catch (error) {
      return error as Error;
    }
    throw new Error("expected a failure");
  };

  it("stops, truncating nothing, while a stored name is over the limit, and says what to do", async () => {
    await migrate(context.handle, { to: "0007_least_privilege_roles" });
    const longBot = "b".repeat(250);
    const longStage = "s".repeat(201);
    await addJob(JOB, longBot);
    await addStage(longStage);

    const error = await failureOf(() => migrate(context.handle));
    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toContain(
      "1 job(s) have a bot_id and 1 stage(s) a stage_name longer than 200 characters, the new limit; nothing was changed or truncated",
    );
    expect((await getMigrationStatus(context.handle)).pending.map((m) => m.tag)).toEqual([
      "0008_name_length_limits",
      "0009_static_rollup_triggers",
      "0010_stage_duration_buckets",
      "0011_stage_totals_slots",
    ]);
    const [stored] = await context.handle.query<{ bot: number; stage: number }>(sql`
      SELECT char_length(j.bot_id) AS bot, char_length(s.stage_name) AS stage
      FROM jobs j JOIN job_stages s USING (job_id)`);
    expect(stored).toEqual({ bot: 250, stage: 201 });

    // Once the operator has shortened them, the migration goes through.
    await context.handle.query(sql`UPDATE jobs SET bot_id = left(bot_id, 200)`);
    await context.handle.query(sql`UPDATE job_stages SET stage_name = left(stage_name, 200)`);
    await migrate(context.handle);
    expect((await getMigrationStatus(context.handle)).pending).toEqual([]);
  });

  it("then refuses longer names and takes names of the limit in characters, not bytes", async () => {
    await migrate(context.handle);
    await context.handle.query(
      sql`INSERT INTO jobs (job_id, bot_id) VALUES (${JOB}, 'bot') ON CONFLICT DO NOTHING`,
    );
    expect([MAX_BOT_ID_LENGTH, MAX_STAGE_NAME_LENGTH]).toEqual([200, 200]);
    const refused = await failureOf(() =>
      addJob("00000000-0000-4000-8000-0000000000b2", "x".repeat(201)),
    );
    expect(String((refused as { cause?: unknown }).cause ?? refused)).toContain(
      "ck_jobs_bot_id_length",
    );
    // 200 characters of four bytes each: 800 bytes, still one index entry.
    await addJob("00000000-0000-4000-8000-0000000000b3", "🤖".repeat(200));
    const stageRefused = await failureOf(() => addStage("y".repeat(201)));
    expect(String((stageRefused as { cause?: unknown }).cause ?? stageRefused)).toContain(
      "ck_job_stages_stage_name_length",
    );
    await addStage("🤖".repeat(200));
  });

  it("its down script lets longer names in again", async () => {
    await migrate(context.handle);
    await rollback(context.handle, { to: "0007_least_privilege_roles" });
    await addJob("00000000-0000-4000-8000-0000000000b4", "z".repeat(300));
    await context.handle.query(sql`DELETE FROM jobs WHERE char_length(bot_id) > 200`);
    await migrate(context.handle);
  });
});
