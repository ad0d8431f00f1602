import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "@forusbots/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./cli-process.ts";

/**
 * Two bots on one day, small enough to work every figure out by hand:
 *   alpha A1 succeeded, ran 10:00:00–10:00:10 (10 s): login 2 s ok, submit 5 s ok
 *   alpha A2 failed,    ran 11:00:00–11:00:30 (30 s): login 4 s ok, submit 3 s fail
 *   alpha A3 queued (accepted 12:30)
 *   beta  B1 succeeded, ran 12:00:00–12:01:00 (60 s): login 1 s ok
 *   beta  B2 canceled while queued (accepted 09:00, canceled 09:05)
 */
const A1 = "a1a1a1a1-0000-4000-8000-000000000001";
const A2 = "a2a2a2a2-0000-4000-8000-000000000002";
const A3 = "a3a3a3a3-0000-4000-8000-000000000003";
const B1 = "b1b1b1b1-0000-4000-8000-000000000001";
const B2 = "b2b2b2b2-0000-4000-8000-000000000002";
const day = (time: string) => `2026-03-01T${time}Z`;

const stage = (jobId: string, stageName: string, from: string, to: string, ok = true) => ({
  type: "stage",
  jobId,
  stageName,
  startedAt: day(from),
  endedAt: day(to),
  status: ok ? "succeed" : "fail",
  ...(ok ? {} : { error: { code: "HTTP_502" } }),
});

const EVENTS = [
  { type: "job.accepted", jobId: B2, botId: "beta", at: day("09:00:00") },
  { type: "job.finished", jobId: B2, state: "canceled", at: day("09:05:00") },
  { type: "job.accepted", jobId: A1, botId: "alpha", at: day("09:59:00") },
  { type: "job.started", jobId: A1, at: day("10:00:00") },
  stage(A1, "login", "10:00:01", "10:00:03"),
  stage(A1, "submit", "10:00:04", "10:00:09"),
  { type: "job.finished", jobId: A1, state: "succeeded", at: day("10:00:10") },
  { type: "job.accepted", jobId: A2, botId: "alpha", at: day("10:59:00") },
  { type: "job.started", jobId: A2, at: day("11:00:00") },
  stage(A2, "login", "11:00:01", "11:00:05"),
  stage(A2, "submit", "11:00:06", "11:00:09", false),
  {
    type: "job.finished",
    jobId: A2,
    state: "failed",
    at: day("11:00:30"),
    errorMessage: "submit failed",
  },
  { type: "job.accepted", jobId: B1, botId: "beta", at: day("11:59:00") },
  { type: "job.started", jobId: B1, at: day("12:00:00") },
  stage(B1, "login", "12:00:01", "12:00:02"),
  { type: "job.finished", jobId: B1, state: "succeeded", at: day("12:01:00") },
  { type: "job.accepted", jobId: A3, botId: "alpha", at: day("12:30:00") },
];

describe("read commands", () => {
  let database: TestDatabase;
  const read = async (args: string[]) => {
    const run = await runCli(args, { env: database.env });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    return run.stdout;
  };
  const readJson = async (args: string[]) => JSON.parse(await read([...args, "--json"]));

  beforeAll(async () => {
    database = await createTestDatabase();
    const file = join(mkdtempSync(join(tmpdir(), "forus-audit-read-")), "events.jsonl");
    writeFileSync(file, EVENTS.map((event) => JSON.stringify(event)).join("\n"));
    const run = await runCli(["ingest", file], { env: database.env });
    expect(run.status).toBe(0);
  });
  afterAll(async () => database?.dispose());

  it("metrics: per bot, as JSON and as a table", async () => {
    // alpha: 3 jobs, 1 succeeded, 1 failed → 50 %; durations 10 s and 30 s → avg 20 s,
    // p95 (interpolated) 10 + 0.95 × 20 = 29 s. beta: 2 jobs, 1 succeeded, 0 failed → 100 %,
    // one duration of 60 s (the canceled job never started).
    expect(await readJson(["metrics"])).toEqual([
      expect.objectContaining({
        botId: "alpha",
        totalJobs: 3,
        succeededJobs: 1,
        failedJobs: 1,
        successRate: 50,
        avgDurationSeconds: 20,
        p95DurationSeconds: 29,
      }),
      expect.objectContaining({
        botId: "beta",
        totalJobs: 2,
        succeededJobs: 1,
        failedJobs: 0,
        successRate: 100,
        avgDurationSeconds: 60,
        p95DurationSeconds: 60,
      }),
    ]);
    const table = (await read(["metrics"])).split("\n");
    expect(table[0]).toMatch(
      /^BOT\s+JOBS\s+SUCCEEDED\s+FAILED\s+SUCCESS RATE\s+AVG DURATION\s+P95 DURATION$/,
    );
    expect(table[2]).toMatch(/^alpha\s+3\s+1\s+1\s+50\.0%\s+20\.0s\s+29\.0s$/);
    expect(table[3]).toMatch(/^beta\s+2\s+1\s+0\s+100\.0%\s+1m 00s\s+1m 00s$/);
  });

  it("metrics filtered by bot and by accepted time", async () => {
    expect(
      (await readJson(["metrics", "--bot", "beta"])).map((m: { botId: string }) => m.botId),
    ).toEqual(["beta"]);
    // From 10:00 to 12:00 only A2 (accepted 10:59) and B1 (11:59) are in range.
    const ranged = await readJson(["metrics", "--from", day("10:00:00"), "--to", day("12:00:00")]);
    expect(ranged.map((m: { botId: string; totalJobs: number }) => [m.botId, m.totalJobs])).toEqual(
      [
        ["alpha", 1],
        ["beta", 1],
      ],
    );
  });

  it("recent: newest accepted first, with duration and stage count", async () => {
    const page = await readJson(["recent"]);
    expect(page.jobs.map((job: { jobId: string }) => job.jobId)).toEqual([A3, B1, A2, A1, B2]);
    expect(page.jobs[2]).toMatchObject({
      jobId: A2,
      botId: "alpha",
      state: "failed",
      durationSeconds: 30,
      stageCount: 2,
      errorMessage: "submit failed",
      acceptedAt: day("10:59:00").replace("Z", ".000Z"),
    });
    expect(page.nextCursor).toBeNull();

    const table = (await read(["recent", "--state", "failed"])).split("\n");
    expect(table).toHaveLength(4); // header, rule, one job, final newline
    expect(table[2]).toMatch(
      new RegExp(
        `^2026-03-01 10:59:00Z\\s+${A2}\\s+alpha\\s+failed\\s+30\\.0s\\s+2\\s+submit failed$`,
      ),
    );
  });

  it("recent pages with --limit and --before", async () => {
    const first = await readJson(["recent", "--limit", "2"]);
    expect(first.jobs.map((job: { jobId: string }) => job.jobId)).toEqual([A3, B1]);
    expect(typeof first.nextCursor).toBe("string");
    const second = await readJson(["recent", "--limit", "2", "--before", first.nextCursor]);
    expect(second.jobs.map((job: { jobId: string }) => job.jobId)).toEqual([A2, A1]);
    const human = await read(["recent", "--limit", "2"]);
    expect(human).toContain(`more: recent --before ${first.nextCursor}`);
  });

  it("stages: runs, failures, average and interpolated percentiles per stage", async () => {
    // login: 2000, 4000, 1000 ms → avg 2333.3, p50 2000, p95 2000 + 0.9 × 2000 = 3800.
    // submit: 5000 ok, 3000 fail → avg 4000, p50 4000, p95 3000 + 0.95 × 2000 = 4900.
    const stages = await readJson(["stages"]);
    expect(stages).toHaveLength(2);
    expect(stages[0]).toMatchObject({
      stageName: "login",
      totalRuns: 3,
      failedRuns: 0,
      p50DurationMs: 2000,
      p95DurationMs: 3800,
    });
    expect(stages[0].avgDurationMs).toBeCloseTo(7000 / 3, 6);
    expect(stages[1]).toMatchObject({
      stageName: "submit",
      totalRuns: 2,
      failedRuns: 1,
      avgDurationMs: 4000,
      p50DurationMs: 4000,
      p95DurationMs: 4900,
    });
    const table = (await read(["stages"])).split("\n");
    expect(table[2]).toMatch(/^login\s+3\s+0\s+2\.33s\s+2\.00s\s+3\.80s$/);
    expect(table[3]).toMatch(/^submit\s+2\s+1\s+4\.00s\s+4\.00s\s+4\.90s$/);
    expect(await readJson(["stages", "--stage", "submit"])).toHaveLength(1);
  });

  it("job: one job with its stages in order", async () => {
    const job = await readJson(["job", A2]);
    expect(job).toMatchObject({
      jobId: A2,
      botId: "alpha",
      state: "failed",
      startedAt: "2026-03-01T11:00:00.000Z",
      finishedAt: "2026-03-01T11:00:30.000Z",
      errorMessage: "submit failed",
    });
    expect(
      job.stages.map((s: { stageName: string; status: string }) => [s.stageName, s.status]),
    ).toEqual([
      ["login", "succeed"],
      ["submit", "fail"],
    ]);
    const human = await read(["job", A2]);
    expect(human).toMatch(/^state\s+failed$/m);
    expect(human).toMatch(/^duration\s+30\.0s$/m);
    expect(human).toMatch(/^login\s+succeed\s+2026-03-01 11:00:01Z\s+4\.00s$/m);
    expect(human).toMatch(
      /^submit\s+fail\s+2026-03-01 11:00:06Z\s+3\.00s\s+\{"code":"HTTP_502"\}$/m,
    );
  });

  it("job: an unknown id exits 6, a malformed id is a usage error (exit 2)", async () => {
    const unknown = await runCli(["job", "c0c0c0c0-0000-4000-8000-000000000000"], {
      env: database.env,
    });
    expect(unknown.status).toBe(6);
    expect(unknown.stderr.trim().split("\n")).toHaveLength(1);
    const malformed = await runCli(["job", "42"], { env: database.env });
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toContain("value '42' is invalid for argument 'id'");
  });

  it("a filter the queries refuse is a usage error naming the option (exit 2)", async () => {
    const backwards = await runCli(["metrics", "--from", "2026-03-02", "--to", "2026-03-01"], {
      env: database.env,
    });
    expect(backwards.status).toBe(2);
    expect(backwards.stderr).toMatch(/^forus-audit: --to /);
    const badCursor = await runCli(["recent", "--before", "not-a-cursor"], { env: database.env });
    expect(badCursor.status).toBe(2);
    expect(badCursor.stderr).toMatch(/^forus-audit: --before /);
  });

  it("recent --limit takes at most a page of 100 jobs (exit 2 beyond)", async () => {
    const tooMany = await runCli(["recent", "--limit", "101"], { env: database.env });
    expect(tooMany.status).toBe(2);
    expect(tooMany.stderr.split("\n")[0]).toBe(
      "error: option '--limit <n>' argument '101' is invalid. expected a whole number from 1 to 100",
    );
  });

  it("timeline spans at most 1000 buckets, said about --to (exit 2)", async () => {
    // 1 March to 12 April 2026 is 42 days: 1,008 hours.
    const run = await runCli(
      ["timeline", "--bucket", "hour", "--from", "2026-03-01", "--to", "2026-04-12"],
      { env: database.env },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      "forus-audit: --to spans 1008 hours; a series holds at most 1000 (ask for days, or a shorter range)\n",
    );
  });

  it("timeline: jobs per hour, per bot and state", async () => {
    const series = await readJson([
      "timeline",
      "--bucket",
      "hour",
      "--from",
      day("09:00:00"),
      "--to",
      day("13:00:00"),
    ]);
    const points = series.map(
      (p: { bucketStart: string; botId: string; state: string; jobs: number }) =>
        `${p.bucketStart.slice(11, 13)} ${p.botId} ${p.state} ${p.jobs}`,
    );
    // Counted by accepted hour: B2 09h, A1 09h, A2 10h, B1 11h, A3 12h.
    expect(points.sort()).toEqual([
      "09 alpha succeeded 1",
      "09 beta canceled 1",
      "10 alpha failed 1",
      "11 beta succeeded 1",
      "12 alpha queued 1",
    ]);
    const table = (
      await read(["timeline", "--bucket", "day", "--from", "2026-03-01", "--to", "2026-03-02"])
    ).split("\n");
    expect(table[0]).toMatch(
      /^BUCKET\s+BOT\s+QUEUED\s+RUNNING\s+SUCCEEDED\s+FAILED\s+CANCELED\s+TOTAL$/,
    );
    expect(table.slice(2, 4)).toEqual([
      expect.stringMatching(/^2026-03-01 00:00:00Z\s+alpha\s+1\s+0\s+1\s+1\s+0\s+3$/),
      expect.stringMatching(/^2026-03-01 00:00:00Z\s+beta\s+0\s+0\s+1\s+0\s+1\s+2$/),
    ]);
  });

  it("export as CSV: one row per stage, filtered by bot and accepted range", async () => {
    // Only A2 was accepted by alpha between 10:00 and 12:00; it has two stages.
    const csv = await read([
      "export",
      "--format",
      "csv",
      "--bot",
      "alpha",
      "--from",
      day("10:00:00"),
      "--to",
      day("12:00:00"),
    ]);
    const job = `${A2},alpha,failed,2026-03-01T10:59:00.000Z,2026-03-01T11:00:00.000Z,2026-03-01T11:00:30.000Z,submit failed,{},,`;
    expect(csv.split("\r\n")).toEqual([
      "job_id,bot_id,state,accepted_at,started_at,finished_at,error_message,meta,result,created_by,stage_name,stage_status,stage_started_at,stage_ended_at,stage_duration_ms,stage_meta,stage_error",
      `${job},login,succeed,2026-03-01T11:00:01.000Z,2026-03-01T11:00:05.000Z,4000,{},`,
      `${job},submit,fail,2026-03-01T11:00:06.000Z,2026-03-01T11:00:09.000Z,3000,{},"{""code"":""HTTP_502""}"`,
      "",
    ]);
  });

  it("export --output writes the file, relative to where pnpm was run", async () => {
    const folder = mkdtempSync(join(tmpdir(), "forus-audit-export-"));
    const run = await runCli(["export", "--output", "events.jsonl"], {
      env: { ...database.env, INIT_CWD: folder },
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("");
    const written = readFileSync(join(folder, "events.jsonl"), "utf8");
    expect(written).toBe(await read(["export"]));
    // Five jobs: 17 events, oldest accepted first (B2 at 09:00).
    const lines = written.trim().split("\n");
    expect(lines).toHaveLength(17);
    expect(JSON.parse(lines[0] ?? "{}")).toEqual({
      type: "job.accepted",
      jobId: B2,
      botId: "beta",
      at: "2026-03-01T09:00:00.000Z",
      meta: {},
    });
  });

  it("export --output into a folder that does not exist is a usage error", async () => {
    const run = await runCli(["export", "--output", "/nonexistent/out.jsonl"], {
      env: database.env,
    });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(
      "forus-audit: cannot write /nonexistent/out.jsonl: no such folder",
    );
  });
});
