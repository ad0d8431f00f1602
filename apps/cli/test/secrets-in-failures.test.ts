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

  /** Makes the database refuse, with `errcode`, each row of jobs for `botId`, for the length of `work`. */
  async function whileRowsOfBotFail<T>(
    botId: string,
    errcode: string,
    work: () => Promise<T>,
  ): Promise<T> {
    const handle = await database.open({ maxConnections: 1 });
    try {
      await handle.query(
        sql.raw(`CREATE FUNCTION refuse_bot() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF NEW.bot_id = '${botId}' THEN
              RAISE EXCEPTION 'storage refused the row' USING ERRCODE = '${errcode}';
            END IF;
            RETURN NEW;
          END $$`),
      );
      await handle.query(sql`CREATE TRIGGER refuse_bot BEFORE INSERT ON jobs
        FOR EACH ROW EXECUTE FUNCTION refuse_bot()`);
    } finally {
      await handle.close();
    }
    try {
      return await work();
    } finally {
      const cleanup = await database.open({ maxConnections: 1 });
      try {
        await cleanup.query(sql`DROP TRIGGER refuse_bot ON jobs`);
        await cleanup.query(sql`DROP FUNCTION refuse_bot()`);
      } finally {
        await cleanup.close();
      }
    }
  }

  it("a name too long to index is refused before it is sent, naming the line, not the meta", async () => {
    // Random hex does not compress: as an index row it would pass btree's 2704 bytes (54000).
    const input = `${accepted("good-bot")}\n${accepted(randomBytes(2000).toString("hex"))}\n`;
    for (const verbose of [[], ["--verbose"]]) {
      const run = await runCli(["ingest", "-", ...verbose], { env: database.env, input });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(
        "line 2: botId: 4000 characters, longer than the 200 a name may have\n",
      );
      expect(run.stdout).toContain("1 rejected (2 events)");
      expectNothingOfTheBatchShown(run);
    }
  });

  it("an event the database refuses is one rejected line; the others are stored", async () => {
    await whileRowsOfBotFail("refused-bot", "54000", async () => {
      const input = [accepted("good-bot"), accepted("refused-bot"), accepted("good-bot")].join(
        "\n",
      );
      for (const verbose of [[], ["--verbose"]]) {
        const run = await runCli(["ingest", "-", ...verbose], { env: database.env, input });
        expect(run.status).toBe(1);
        expect(run.stderr).toMatch(
          /^line 2: event: refused by the database: storage refused the row \(SQLSTATE 54000\)$/m,
        );
        expect(run.stderr.match(/^line /gm)).toHaveLength(1);
        expectNothingOfTheBatchShown(run);
      }
    });
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
