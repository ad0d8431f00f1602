import { createTestDatabase, type TestDatabase } from "@forusbots/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, runCliOnTerminal, terminalAvailable } from "./cli-process.ts";

// One job whose bot name, stage name and error are far wider than a terminal, beside a plain one.
const WIDE = "c0ffee00-0000-4000-8000-000000000001";
const PLAIN = "0badcafe-0000-4000-8000-000000000002";
const LONG_BOT = `invoice-reconciliation-bot-${"x".repeat(60)}`;
const LONG_STAGE = `upload-the-signed-pdf-${"y".repeat(60)}`;
const LONG_ERROR = `portal answered 502 Bad Gateway ${"z".repeat(120)}`;
const day = (time: string) => `2026-03-01T${time}Z`;
const EVENTS = [
  {
    type: "job.accepted",
    jobId: WIDE,
    botId: LONG_BOT,
    at: day("10:00:00"),
    meta: { n: "w".repeat(200) },
  },
  { type: "job.started", jobId: WIDE, at: day("10:00:01") },
  {
    type: "stage",
    jobId: WIDE,
    stageName: LONG_STAGE,
    startedAt: day("10:00:02"),
    endedAt: day("10:00:05"),
    status: "fail",
    error: { message: LONG_ERROR },
  },
  {
    type: "job.finished",
    jobId: WIDE,
    state: "failed",
    at: day("10:00:06"),
    errorMessage: LONG_ERROR,
  },
  { type: "job.accepted", jobId: PLAIN, botId: "kyc-bot", at: day("11:00:00") },
];

const RANGE = ["--from", "2026-03-01", "--to", "2026-03-02"];
const COMMANDS: readonly (readonly string[])[] = [
  ["recent"],
  ["job", WIDE],
  ["metrics", ...RANGE],
  ["stages"],
  ["timeline", "--bucket", "day", ...RANGE],
];

/** The lines of a table's output, without the cursor of the next page (a token, never cut). */
const tableLines = (stdout: string) =>
  stdout.split(/\r?\n/).filter((line) => line !== "" && !line.startsWith("more: "));

describe("table output and the terminal's width", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    const ingest = await runCli(["ingest", "-"], {
      env: database.env,
      input: EVENTS.map((event) => JSON.stringify(event)).join("\n"),
    });
    expect(ingest.status, ingest.stderr).toBe(0);
  });
  afterAll(async () => database?.dispose());

  it.each(COMMANDS)("%s fits 80 columns, cutting long text with an ellipsis", async (...args) => {
    const run = await runCli(args, { env: { ...database.env, COLUMNS: "80" } });
    expect(run.status, run.stderr).toBe(0);
    for (const line of tableLines(run.stdout)) expect([...line].length).toBeLessThanOrEqual(80);
    expect(run.stdout).not.toContain(LONG_BOT);
  });

  it("cuts free text only: ids, times and figures stay whole", async () => {
    const run = await runCli(["recent"], { env: { ...database.env, COLUMNS: "80" } });
    // On a width, the 8 digits of each id that `job` takes as a prefix.
    expect(run.stdout).toContain("c0ffee00 ");
    expect(run.stdout).toContain("2026-03-01 10:00:00Z");
    expect(run.stdout).toContain("invo");
    expect(run.stdout).toContain("…");
    const job = await runCli(["job", "c0ffee00"], { env: { ...database.env, COLUMNS: "80" } });
    expect(job.stdout).toContain(WIDE);
    expect(job.stdout).toContain("3.00s");
  });

  it("piped without a width, and in --json, every value is whole", async () => {
    const piped = await runCli(["recent"], { env: database.env });
    expect(piped.stdout).toContain(WIDE);
    expect(piped.stdout).toContain(LONG_BOT);
    expect(piped.stdout).toContain(LONG_ERROR);
    const json = await runCli(["job", WIDE, "--json"], { env: { ...database.env, COLUMNS: "80" } });
    const detail = JSON.parse(json.stdout) as { botId: string; stages: { stageName: string }[] };
    expect(detail.botId).toBe(LONG_BOT);
    expect(detail.stages[0]?.stageName).toBe(LONG_STAGE);
  });

  it.runIf(terminalAvailable)("on a real 80-column terminal, no line wraps", async () => {
    const run = await runCliOnTerminal(["recent"], {
      env: { ...database.env, COLUMNS: "80", NO_COLOR: "1" },
    });
    expect(run.status, run.stdout).toBe(0);
    for (const line of tableLines(run.stdout)) expect([...line].length).toBeLessThanOrEqual(80);
    expect(run.stdout).toContain("c0ffee00 ");
  });
});
