import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { migrate } from "../migrator/index.ts";
import { useTestDatabase } from "../testing/index.ts";

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

/**
 * The seed's evolution, one step at a time (init → views → alias views → ms durations → dedupe),
 * then the rollups and their index by hour: rows written after each step are still there,
 * unchanged, after the later ones.
 */
describe("migration history keeps data from every step", () => {
  const context = useTestDatabase({ migrated: false, connection: { maxConnections: 1 } });

  const addJob = (n: number, botId: string) =>
    context.handle.query(sql`
      INSERT INTO jobs (job_id, bot_id, state, accepted_at, started_at, finished_at, meta)
      VALUES (${id(n)}, ${botId}, 'succeeded', '2026-02-01T08:00:00Z', '2026-02-01T08:00:01Z',
              '2026-02-01T08:00:03.500Z', ${JSON.stringify({ step: n })}::jsonb)`);
  const addStage = (n: number, stageName: string, startedAt: string, copy: number) =>
    context.handle.query(sql`
      INSERT INTO job_stages (job_id, stage_name, started_at, ended_at, status, meta)
      VALUES (${id(n)}, ${stageName}, ${startedAt}, '2026-02-01T08:00:03Z', 'succeed',
              ${JSON.stringify({ copy })}::jsonb)`);
  const count = async (table: "jobs" | "job_stages") => {
    const [row] = await context.handle.query<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM ${sql.identifier(table)}`,
    );
    return row?.count;
  };

  it("0000_init: tables accept jobs and (still) duplicate stages", async () => {
    await migrate(context.handle, { to: "0000_init" });
    await addJob(1, "bot-a");
    // Three copies of one stage, as early recorders wrote them, and two rows that only look alike.
    await addStage(1, "login", "2026-02-01T08:00:01Z", 1);
    await addStage(1, "login", "2026-02-01T08:00:01Z", 2);
    await addStage(1, "login", "2026-02-01T08:00:01Z", 3);
    await addStage(1, "login", "2026-02-01T08:00:02Z", 4);
    await addStage(1, "upload", "2026-02-01T08:00:01Z", 5);
    expect(await count("job_stages")).toBe(5);
  });

  it("0001_views: views see the rows written before them", async () => {
    await migrate(context.handle, { to: "0001_views" });
    await addJob(2, "bot-a");
    const [metrics] = await context.handle.query<{
      total_jobs: number;
      avg_duration_seconds: number;
    }>(sql`SELECT total_jobs, avg_duration_seconds FROM job_metrics_by_bot`);
    expect(metrics).toEqual({ total_jobs: 2, avg_duration_seconds: 2.5 });
  });

  it("0002_alias_views: aliases answer like their views", async () => {
    await migrate(context.handle, { to: "0002_alias_views" });
    await addJob(3, "bot-b");
    const rows = await context.handle.query<{ bot_id: string; total_jobs: number }>(
      sql`SELECT bot_id, total_jobs FROM bot_metrics ORDER BY bot_id`,
    );
    expect(rows).toEqual([
      { bot_id: "bot-a", total_jobs: 2 },
      { bot_id: "bot-b", total_jobs: 1 },
    ]);
  });

  it("0003_ms_durations: old rows get their duration_ms computed", async () => {
    await migrate(context.handle, { to: "0003_ms_durations" });
    await addJob(4, "bot-b");
    const jobsRows = await context.handle.query<{ duration_ms: number }>(
      sql`SELECT DISTINCT duration_ms FROM jobs`,
    );
    // 08:00:01 → 08:00:03.500
    expect(jobsRows).toEqual([{ duration_ms: 2500 }]);
    const stageRows = await context.handle.query<{ copy: number; duration_ms: number }>(
      sql`SELECT (meta->>'copy')::int AS copy, duration_ms FROM job_stages ORDER BY 1`,
    );
    expect(stageRows).toEqual([
      { copy: 1, duration_ms: 2000 },
      { copy: 2, duration_ms: 2000 },
      { copy: 3, duration_ms: 2000 },
      { copy: 4, duration_ms: 1000 },
      { copy: 5, duration_ms: 2000 },
    ]);
  });

  it("0004_job_stages_dedupe: keeps the earliest of exact duplicates and nothing else changes", async () => {
    await migrate(context.handle, { to: "0004_job_stages_dedupe" });
    const stages = await context.handle.query<{ stage_name: string; copy: number }>(
      sql`SELECT stage_name, (meta->>'copy')::int AS copy FROM job_stages ORDER BY id`,
    );
    expect(stages).toEqual([
      { stage_name: "login", copy: 1 },
      { stage_name: "login", copy: 4 },
      { stage_name: "upload", copy: 5 },
    ]);
    const jobsRows = await context.handle.query<{ job_id: string; bot_id: string; step: number }>(
      sql`SELECT job_id, bot_id, (meta->>'step')::int AS step FROM jobs ORDER BY job_id`,
    );
    expect(jobsRows).toEqual([
      { job_id: id(1), bot_id: "bot-a", step: 1 },
      { job_id: id(2), bot_id: "bot-a", step: 2 },
      { job_id: id(3), bot_id: "bot-b", step: 3 },
      { job_id: id(4), bot_id: "bot-b", step: 4 },
    ]);
  });

  it("0005_job_rollups: rollups are backfilled from the rows already stored", async () => {
    await migrate(context.handle, { to: "0005_job_rollups" });
    await addJob(5, "bot-b");
    // Five succeeded jobs of 2.5 s each: bot-a has jobs 1 and 2, bot-b jobs 3, 4 and 5.
    const metrics = await context.handle.query<{
      bot_id: string;
      total_jobs: number;
      avg_duration_seconds: number;
    }>(
      sql`SELECT bot_id, total_jobs, avg_duration_seconds FROM job_metrics_by_bot ORDER BY bot_id`,
    );
    expect(metrics).toEqual([
      { bot_id: "bot-a", total_jobs: 2, avg_duration_seconds: 2.5 },
      { bot_id: "bot-b", total_jobs: 3, avg_duration_seconds: 2.5 },
    ]);
    // Stages left by the dedupe: login 2000 ms and 1000 ms, upload 2000 ms.
    const stages = await context.handle.query<{
      stage_name: string;
      total_runs: number;
      avg_duration_ms: number;
    }>(
      sql`SELECT stage_name, total_runs, avg_duration_ms FROM job_stage_summary ORDER BY stage_name`,
    );
    expect(stages).toEqual([
      { stage_name: "login", total_runs: 2, avg_duration_ms: 1500 },
      { stage_name: "upload", total_runs: 1, avg_duration_ms: 2000 },
    ]);
  });

  it("0006_bot_job_hourly_hour_index: indexes the hourly rollup by hour and leaves its rows as they were", async () => {
    await migrate(context.handle, { to: "0006_bot_job_hourly_hour_index" });
    const [index] = await context.handle.query<{ indexdef: string }>(
      sql`SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_bot_job_hourly_hour'`,
    );
    expect(index?.indexdef).toMatch(/ON public\.bot_job_hourly USING btree \(hour\)$/);
    // Every job was accepted at 08:00 on 1 February and succeeded: bot-a has 2, bot-b 3.
    const hourly = await context.handle.query<{ bot_id: string; hour: string; jobs: number }>(sql`
      SELECT bot_id, to_char(hour AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS hour,
             succeeded_jobs AS jobs
      FROM bot_job_hourly ORDER BY bot_id`);
    expect(hourly).toEqual([
      { bot_id: "bot-a", hour: "2026-02-01 08:00", jobs: 2 },
      { bot_id: "bot-b", hour: "2026-02-01 08:00", jobs: 3 },
    ]);
  });
});
