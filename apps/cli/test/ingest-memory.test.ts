import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "@forusbots/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./cli-process.ts";

const BATCH_SIZE = 100;

/** `jobs` complete jobs as JSON Lines: accepted, started, one stage, finished (4 lines each). */
function eventLines(jobs: number, offset: number): string {
  const lines: string[] = [];
  for (let n = offset; n < offset + jobs; n++) {
    const jobId = `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
    const start = Date.UTC(2026, 0, 1) + n * 1000;
    const iso = (ms: number) => new Date(ms).toISOString();
    lines.push(
      JSON.stringify({
        type: "job.accepted",
        jobId,
        botId: `bot-${n % 7}`,
        at: iso(start),
        meta: { n, padding: "x".repeat(200) },
      }),
      JSON.stringify({ type: "job.started", jobId, at: iso(start + 10) }),
      JSON.stringify({
        type: "stage",
        jobId,
        stageName: "login",
        startedAt: iso(start + 10),
        endedAt: iso(start + 400),
        status: "succeed",
      }),
      JSON.stringify({
        type: "job.finished",
        jobId,
        state: "succeeded",
        at: iso(start + 500),
        result: { ok: true },
      }),
    );
  }
  return `${lines.join("\n")}\n`;
}

/** A V8 old-space cap far below what holding the large file's events would take. */
const HEAP_CAP_MIB = 64;

describe("ingest memory", () => {
  let database: TestDatabase;
  let folder: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    folder = mkdtempSync(join(tmpdir(), "forus-audit-memory-"));
  });
  afterAll(async () => {
    rmSync(folder, { recursive: true, force: true });
    await database?.dispose();
  });

  it("streams a file 1,000 times its batch size under a heap too small to hold it", async () => {
    // 100,000 lines (~19 MB of text; parsed and validated, several times that) in batches of 100.
    const file = join(folder, "events.jsonl");
    writeFileSync(file, eventLines(25_000, 0));
    const run = await runCli(["ingest", file, "--batch-size", String(BATCH_SIZE), "--json"], {
      env: { ...database.env, NODE_OPTIONS: `--max-old-space-size=${HEAP_CAP_MIB}` },
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ stored: 100_000, rejected: 0 });
  });
});
