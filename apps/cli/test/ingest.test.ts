import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDatabaseForTest } from "@forusbots/db/testing";
import { INGEST_BATCH_SIZE } from "@forusbots/queries";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { runCli } from "./cli-process.ts";
import { readAllRows } from "./table-rows.ts";

const JOB = "0b3f7c1e-6a52-4d7e-9f10-2c4b8e6d1a01";
const NEVER_ACCEPTED = "7d2a4f90-1c3b-4e5d-8f6a-9b0c1d2e3f40";

/** A file with good, duplicate and bad lines; the comment after each says what it must become. */
const LINES = [
  { type: "job.accepted", jobId: JOB, botId: "alpha", at: "2026-03-01T10:00:00Z" }, // 1 stored
  { type: "job.started", jobId: JOB, at: "2026-03-01T10:00:05Z" }, // 2 stored
  "", // 3 blank: skipped, not an event
  {
    type: "stage",
    jobId: JOB,
    stageName: "login",
    startedAt: "2026-03-01T10:00:06Z",
    endedAt: "2026-03-01T10:00:08Z",
    status: "succeed",
  }, // 4 stored
  '{"type": "stage", oops', // 5 not JSON
  {
    type: "stage",
    jobId: JOB,
    stageName: "login",
    startedAt: "2026-03-01T10:00:06Z",
    endedAt: "2026-03-01T10:00:08Z",
    status: "succeed",
  }, // 6 the same stage again: already present
  [1, 2], // 7 not an object
  { type: "job.paused", jobId: JOB, at: "2026-03-01T10:00:09Z" }, // 8 unknown type
  { type: "job.started", jobId: NEVER_ACCEPTED, at: "2026-03-01T10:00:09Z" }, // 9 unknown job
  {
    type: "job.finished",
    jobId: JOB,
    state: "succeeded",
    at: "2026-03-01T10:01:00Z",
    result: { pages: 3 },
  }, // 10 stored
  {
    type: "stage",
    jobId: JOB,
    stageName: "submit",
    startedAt: "2026-03-01T10:00:30Z",
    endedAt: "2026-03-01T10:00:20Z",
    status: "succeed",
  }, // 11 ends before it starts
  { type: "job.finished", jobId: JOB, state: "failed", at: "2026-03-01T10:02:00Z" }, // 12 conflicting finish
  { type: "job.accepted", jobId: "not-a-uuid", botId: "alpha", at: "2026-03-01T10:00:00Z" }, // 13 bad UUID
].map((line) => (typeof line === "string" ? line : JSON.stringify(line)));

const REJECTED_LINES = [5, 7, 8, 9, 11, 12, 13];

const onPostgres = inject("auditTestDatabase").engine === "postgres";

/** `jobs` whole jobs (accepted, started, three stages, finished): 6 events each. */
function wholeJobLines(jobs: number): string[] {
  const lines: string[] = [];
  for (let n = 0; n < jobs; n++) {
    const jobId = `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
    const at = (second: number) => new Date(Date.UTC(2026, 2, 1, 0, n, second)).toISOString();
    lines.push(
      JSON.stringify({ type: "job.accepted", jobId, botId: "vacuum-bot", at: at(0) }),
      JSON.stringify({ type: "job.started", jobId, at: at(1) }),
      ...["login", "fill", "submit"].map((stageName, index) =>
        JSON.stringify({
          type: "stage",
          jobId,
          stageName,
          startedAt: at(2 + index),
          endedAt: at(3 + index),
          status: "succeed",
        }),
      ),
      JSON.stringify({ type: "job.finished", jobId, state: "succeeded", at: at(9) }),
    );
  }
  return lines;
}

function writeEventsFile(lines: readonly string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), "forus-audit-ingest-")), "events.jsonl");
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

/** `line N: reason` lines of stderr, by line number. */
function rejectionsOf(stderr: string): Map<number, string> {
  const rejections = new Map<number, string>();
  for (const match of stderr.matchAll(/^line (\d+): (.*)$/gm)) {
    rejections.set(Number(match[1]), match[2] ?? "");
  }
  return rejections;
}

describe("ingest", () => {
  // Each test ingests into a database of its own: none reads rows another one wrote.
  let file: string;
  beforeAll(() => {
    file = writeEventsFile(LINES);
  });

  it("stores every good line, reports each bad one with its line number, exits 1", async () => {
    const database = await createDatabaseForTest();
    const run = await runCli(["ingest", file], { env: database.env });
    expect(run.status).toBe(1);
    // 12 non-blank lines: 4 stored (1, 2, 4, 10), 1 already present (6), 7 rejected.
    expect(run.stdout).toBe(
      `Ingested ${file}: 4 stored, 1 already present, 7 rejected (12 events).\n`,
    );
    const rejections = rejectionsOf(run.stderr);
    expect([...rejections.keys()]).toEqual(REJECTED_LINES);
    expect(rejections.get(5)).toContain("not valid JSON");
    expect(rejections.get(7)).toContain("not a JSON object (got an array)");
    expect(rejections.get(8)).toContain("type");
    expect(rejections.get(9)).toContain(NEVER_ACCEPTED);
    expect(rejections.get(11)).toContain("endedAt");
    expect(rejections.get(12)).toContain("state");
    expect(rejections.get(13)).toContain("jobId");
    // The last stderr line says why the status is 1.
    expect(run.stderr.trim().split("\n").at(-1)).toContain(
      `7 of 12 event line(s) in ${file} rejected`,
    );

    const rows = await readAllRows(database);
    expect(rows.jobs).toHaveLength(1);
    expect(JSON.parse(rows.jobs[0] ?? "{}")).toMatchObject({
      job_id: JOB,
      bot_id: "alpha",
      state: "succeeded",
      result: { pages: 3 },
      duration_ms: 55_000,
    });
    expect(rows.stages).toHaveLength(1);
    expect(JSON.parse(rows.stages[0] ?? "{}")).toMatchObject({
      stage_name: "login",
      status: "succeed",
      duration_ms: 2_000,
    });
  });

  it("ingesting the same file again changes nothing", async () => {
    const database = await createDatabaseForTest();
    expect((await runCli(["ingest", file], { env: database.env })).status).toBe(1);
    const before = await readAllRows(database);
    const run = await runCli(["ingest", file, "--json"], { env: database.env });
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      source: file,
      events: 12,
      stored: 0,
      unchanged: 5,
      rejected: 7,
    });
    expect(await readAllRows(database)).toEqual(before);
  });

  it("reads standard input with -, in small batches, with the same line numbers", async () => {
    const database = await createDatabaseForTest();
    const run = await runCli(["ingest", "-", "--batch-size", "2"], {
      env: database.env,
      input: `${LINES.join("\r\n")}\r\n`,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(
      "Ingested standard input: 4 stored, 1 already present, 7 rejected (12 events).\n",
    );
    expect([...rejectionsOf(run.stderr).keys()]).toEqual(REJECTED_LINES);
  });

  it("a file of good lines only exits 0", async () => {
    const database = await createDatabaseForTest();
    const good = writeEventsFile([LINES[0] ?? "", LINES[1] ?? ""]);
    const run = await runCli(["ingest", good, "--json"], { env: database.env });
    expect(run.status).toBe(0);
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({
      source: good,
      events: 2,
      stored: 2,
      unchanged: 0,
      rejected: 0,
    });
  });

  // 400 jobs make 1,200 stage rows, past autovacuum's 1,000 inserts on a table of no known rows.
  it.runIf(!onPostgres)(
    "on the embedded database, ends as autovacuum would: job_stages vacuumed, its pages all-visible",
    async () => {
      const database = await createDatabaseForTest();
      const file = writeEventsFile(wholeJobLines(400));
      const run = await runCli(["ingest", file, "--json"], { env: database.env });
      expect(run.status).toBe(0);
      const summary = JSON.parse(run.stdout);
      expect(summary).toMatchObject({ events: 2400, stored: 2400, rejected: 0 });
      expect(summary.embeddedVacuum.vacuumed).toContain("job_stages");
      const handle = await database.open();
      try {
        // What only VACUUM leaves in the catalog: the rows counted, pages marked all-visible.
        const [stages] = await handle.query<{ reltuples: number; relallvisible: number }>(
          sql`SELECT reltuples::float8 AS reltuples, relallvisible FROM pg_class WHERE relname = 'job_stages'`,
        );
        expect(stages?.reltuples).toBe(1200);
        expect(stages?.relallvisible).toBeGreaterThan(0);
      } finally {
        await handle.close();
      }
    },
  );

  it.runIf(onPostgres)("on PostgreSQL, leaves vacuuming to the server", async () => {
    const database = await createDatabaseForTest();
    const run = await runCli(["ingest", writeEventsFile(wholeJobLines(400)), "--json"], {
      env: database.env,
    });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).not.toHaveProperty("embeddedVacuum");
  });

  describe("--max-rate", () => {
    // 30 whole jobs, 180 events, at most 120 a second: batches of 12 (a tenth of a second), the
    // last one starting at event 168, due 168 / 120 = 1.4 s after the first.
    const RATE = 120;
    const PACED_MS = 1_400;
    let pacedFile: string;
    beforeAll(() => {
      pacedFile = writeEventsFile(wholeJobLines(30));
    });

    it("takes at least the time the rate allows, and stores every event", async () => {
      const database = await createDatabaseForTest();
      const started = performance.now();
      const run = await runCli(["ingest", pacedFile, "--max-rate", String(RATE), "--json"], {
        env: database.env,
      });
      expect(performance.now() - started).toBeGreaterThanOrEqual(PACED_MS);
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ events: 180, stored: 180, rejected: 0 });
      const rows = await readAllRows(database);
      expect(rows.jobs).toHaveLength(30);
      expect(rows.stages).toHaveLength(90);
    });

    // PGlite lets one process hold a database: only a server can be read while the CLI writes.
    it.runIf(onPostgres)("writes in small steps all along, not in one burst", async () => {
      const database = await createDatabaseForTest();
      const handle = await database.open();
      try {
        const run = runCli(["ingest", pacedFile, "--max-rate", String(RATE)], {
          env: database.env,
        });
        let finished = false;
        void run.finally(() => {
          finished = true;
        });
        // Jobs seen while the ingest runs; each batch of 12 events holds two whole jobs.
        const partway = new Set<number>();
        while (!finished) {
          const [row] = await handle.query<{ jobs: number }>(
            sql`SELECT count(*)::int AS jobs FROM jobs`,
          );
          if (row && row.jobs > 0 && row.jobs < 30) partway.add(row.jobs);
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        expect((await run).status).toBe(0);
        expect(partway.size).toBeGreaterThanOrEqual(5);
      } finally {
        await handle.close();
      }
    });

    it("refuses a rate that is not a whole number of events a second, naming the option", async () => {
      for (const rate of ["0", "fast", "2.5"]) {
        const run = await runCli(["ingest", pacedFile, "--max-rate", rate]);
        expect(run.status).toBe(2);
        expect(run.stderr).toContain("--max-rate");
        expect(run.stderr).not.toMatch(/\bat .*\.(?:ts|js):\d+/);
      }
    });
  });

  it("--help gives the queries package's batch size as the default", async () => {
    const run = await runCli(["ingest", "--help"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`(default ${INGEST_BATCH_SIZE})`);
  });
});
