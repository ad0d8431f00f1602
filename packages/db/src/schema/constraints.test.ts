import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../testing/index.ts";

/** SQLSTATE of the error a statement fails with (postgres.js and PGlite both expose `code`). */
async function sqlstateOf(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (error) {
    const { code, cause } = error as { code?: string; cause?: { code?: string } };
    return code ?? cause?.code ?? "no code";
  }
  return "no error";
}

describe("constraints reject bad rows", () => {
  const context = useTestDatabase();
  const jobId = "00000000-0000-4000-8000-000000000001";

  beforeAll(async () => {
    await context.handle.query(sql`
      INSERT INTO jobs (job_id, bot_id, state, accepted_at, started_at)
      VALUES (${jobId}, 'bot-a', 'running', '2026-01-01T10:00:00Z', '2026-01-01T10:00:05Z')`);
  });

  const insertJob = (values: {
    state: string;
    botId?: string;
    acceptedAt?: string;
    startedAt?: string | null;
    finishedAt?: string | null;
  }) =>
    context.handle.query(sql`
      INSERT INTO jobs (job_id, bot_id, state, accepted_at, started_at, finished_at)
      VALUES (gen_random_uuid(), ${values.botId ?? "bot-a"}, ${values.state},
              ${values.acceptedAt ?? "2026-01-01T10:00:00Z"}, ${values.startedAt ?? null},
              ${values.finishedAt ?? null})`);

  const insertStage = (values: {
    jobId?: string;
    stageName?: string;
    startedAt?: string;
    endedAt?: string | null;
    status?: string;
  }) =>
    context.handle.query(sql`
      INSERT INTO job_stages (job_id, stage_name, started_at, ended_at, status)
      VALUES (${values.jobId ?? jobId}, ${values.stageName ?? "login"},
              ${values.startedAt ?? "2026-01-01T10:00:05Z"}, ${values.endedAt ?? null},
              ${values.status ?? "succeed"})`);

  it("accepts a well-formed job in every state", async () => {
    for (const row of [
      { state: "queued" },
      { state: "running", startedAt: "2026-01-01T10:00:01Z" },
      { state: "succeeded", startedAt: "2026-01-01T10:00:01Z", finishedAt: "2026-01-01T10:00:02Z" },
      { state: "failed", startedAt: "2026-01-01T10:00:01Z", finishedAt: "2026-01-01T10:00:02Z" },
      { state: "canceled", finishedAt: "2026-01-01T10:00:02Z" },
    ]) {
      expect(await sqlstateOf(insertJob(row))).toBe("no error");
    }
  });

  it("rejects an unknown state", async () => {
    expect(await sqlstateOf(insertJob({ state: "done" }))).toBe("23514");
  });

  it("rejects an empty bot id", async () => {
    expect(await sqlstateOf(insertJob({ state: "queued", botId: "" }))).toBe("23514");
  });

  it("rejects a job started before it was accepted", async () => {
    expect(
      await sqlstateOf(insertJob({ state: "running", startedAt: "2026-01-01T09:59:59Z" })),
    ).toBe("23514");
  });

  it("rejects a job finished before it started", async () => {
    const row = {
      state: "succeeded",
      startedAt: "2026-01-01T10:00:10Z",
      finishedAt: "2026-01-01T10:00:09Z",
    };
    expect(await sqlstateOf(insertJob(row))).toBe("23514");
  });

  it("rejects a state whose timestamps are missing", async () => {
    expect(await sqlstateOf(insertJob({ state: "running" }))).toBe("23514");
    expect(
      await sqlstateOf(insertJob({ state: "succeeded", startedAt: "2026-01-01T10:00:01Z" })),
    ).toBe("23514");
    expect(await sqlstateOf(insertJob({ state: "canceled" }))).toBe("23514");
  });

  it("rejects a stage of a job that does not exist (foreign key)", async () => {
    expect(await sqlstateOf(insertStage({ jobId: "00000000-0000-4000-8000-00000000ffff" }))).toBe(
      "23503",
    );
  });

  it("rejects an unknown stage status", async () => {
    expect(await sqlstateOf(insertStage({ status: "ok" }))).toBe("23514");
  });

  it("rejects a stage that ends before it starts", async () => {
    expect(
      await sqlstateOf(
        insertStage({ startedAt: "2026-01-01T10:00:06Z", endedAt: "2026-01-01T10:00:05Z" }),
      ),
    ).toBe("23514");
  });

  it("rejects the same stage of a job stored twice (unique)", async () => {
    const stage = { stageName: "upload", startedAt: "2026-01-01T10:00:07Z" };
    expect(await sqlstateOf(insertStage(stage))).toBe("no error");
    expect(await sqlstateOf(insertStage(stage))).toBe("23505");
  });

  it("computes duration_ms from the timestamps, NULL while an end is missing", async () => {
    await insertStage({
      stageName: "fill-form",
      startedAt: "2026-01-01T10:00:05.250Z",
      endedAt: "2026-01-01T10:00:07.001Z",
    });
    await insertStage({ stageName: "submit", startedAt: "2026-01-01T10:00:08Z" });
    const rows = await context.handle.query<{ stage_name: string; duration_ms: number | null }>(sql`
      SELECT stage_name, duration_ms FROM job_stages
      WHERE stage_name IN ('fill-form', 'submit') ORDER BY stage_name`);
    // 07.001 - 05.250 = 1.751 s
    expect(rows).toEqual([
      { stage_name: "fill-form", duration_ms: 1751 },
      { stage_name: "submit", duration_ms: null },
    ]);
  });

  it("deletes a job's stages with the job", async () => {
    await context.handle.query(sql`DELETE FROM jobs WHERE job_id = ${jobId}`);
    const [row] = await context.handle.query<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM job_stages WHERE job_id = ${jobId}`,
    );
    expect(row?.count).toBe(0);
  });
});
