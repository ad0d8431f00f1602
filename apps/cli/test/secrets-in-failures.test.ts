import { randomBytes, randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@forusbots/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, runCli } from "./cli-process.ts";

/** What a bot put in an event's meta: nobody reading the terminal or a log may see it. */
const SECRET = "s3cret-api-token-in-meta";

/** drizzle's failed-query message: the statement, then `params:` and every parameter. */
const DRIZZLE_WRAPPER = ["Failed query", "params:"];

const accepted = (botId: string) =>
  JSON.stringify({
    type: "job.accepted",
    jobId: randomUUID(),
    botId,
    at: "2026-03-01T10:00:00Z",
    meta: { apiToken: SECRET },
  });

function expectNothingOfTheBatchShown(run: CliRun): void {
  expect(run.stdout + run.stderr).not.toContain(SECRET);
  for (const text of DRIZZLE_WRAPPER) expect(run.stderr).not.toContain(text);
}

describe("a failing batch whose meta holds a secret never shows it", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database?.dispose());

  /** Makes every insert into jobs fail in the database with `errcode`, for the length of `work`. */
  async function whileJobsInsertsFail<T>(errcode: string, work: () => Promise<T>): Promise<T> {
    const handle = await database.open({ maxConnections: 1 });
    try {
      await handle.query(
        sql.raw(`CREATE FUNCTION refuse_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'storage refused the row' USING ERRCODE = '${errcode}'; END $$`),
      );
      await handle.query(sql`CREATE TRIGGER refuse_jobs BEFORE INSERT ON jobs
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_jobs()`);
    } finally {
      await handle.close();
    }
    try {
      return await work();
    } finally {
      const cleanup = await database.open({ maxConnections: 1 });
      try {
        await cleanup.query(sql`DROP TRIGGER refuse_jobs ON jobs`);
        await cleanup.query(sql`DROP FUNCTION refuse_jobs()`);
      } finally {
        await cleanup.close();
      }
    }
  }

  it("an event the database cannot index is one rejected line; the others are stored", async () => {
    // Random hex does not compress: the index row is ~4 kB, past btree's 2704-byte limit (54000).
    const input = `${accepted("good-bot")}\n${accepted(randomBytes(2000).toString("hex"))}\n`;
    for (const verbose of [[], ["--verbose"]]) {
      const run = await runCli(["ingest", "-", ...verbose], { env: database.env, input });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/^line 2: .*refused by the database: index row size \d+ exceeds/m);
      expect(run.stderr).toContain("(SQLSTATE 54000)");
      expectNothingOfTheBatchShown(run);
    }
  });

  it("a line that is not JSON is named without repeating any of it", async () => {
    // Short and unquoted, so that it falls inside the piece of the line V8's message quotes.
    const token = "S3CR3T";
    const input = `${accepted("good-bot")}\n{"type": "job.accepted", "token": tok-${token}}\n`;
    const run = await runCli(["ingest", "-"], { env: database.env, input });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("line 2: not valid JSON: Unexpected token 'o'\n");
    expect(run.stdout + run.stderr).not.toContain(token);
  });

  it("an error no kind covers is exit 70 in one line; --verbose adds stacks, still without it", async () => {
    await whileJobsInsertsFail("XX001", async () => {
      const input = `${accepted("good-bot")}\n`;
      const plain = await runCli(["ingest", "-"], { env: database.env, input });
      expect(plain.status).toBe(70);
      expect(plain.stderr).toBe(
        "forus-audit: internal error: storage refused the row (SQLSTATE XX001)\n",
      );
      expectNothingOfTheBatchShown(plain);

      const verbose = await runCli(["ingest", "-", "--verbose"], { env: database.env, input });
      expect(verbose.status).toBe(70);
      expect(verbose.stderr).toMatch(/^\s+at /m);
      expect(verbose.stderr).toContain(
        "caused by: DatabaseFailure: storage refused the row (SQLSTATE XX001)",
      );
      expectNothingOfTheBatchShown(verbose);
    });
  });

  it("a lock timeout is exit 9, busy, with and without --verbose", async () => {
    await whileJobsInsertsFail("55P03", async () => {
      const input = `${accepted("good-bot")}\n`;
      for (const verbose of [[], ["--verbose"]]) {
        const run = await runCli(["ingest", "-", ...verbose], { env: database.env, input });
        expect(run.status).toBe(9);
        expect(run.stderr).toContain(
          "forus-audit: the database timed out waiting for a lock: storage refused the row (SQLSTATE 55P03); nothing was changed, try again",
        );
        expectNothingOfTheBatchShown(run);
      }
    });
  });
});
