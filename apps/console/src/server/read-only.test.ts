import type { DatabaseHandle } from "@forusbots/db/client";
import { jobs } from "@forusbots/db/schema";
import { createTestDatabase, type TestDatabase } from "@forusbots/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ANY_HOST } from "../../test/api-access.ts";
import { insertKnownAuditData, JOB } from "../../test/known-audit-data.ts";
import { createConsoleApp } from "./app.ts";
import { connectionOf } from "./database-connection.ts";
import { toErrorResponse } from "./error-response.ts";

describe("the console's reads", () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    database = await createTestDatabase();
    handle = await database.open();
    await insertKnownAuditData(handle.db);
  });

  afterAll(async () => {
    await handle?.close();
    await database?.dispose();
  });

  const jobCount = async () =>
    Number((await handle.query<{ n: string }>(sql`SELECT count(*) AS n FROM jobs`))[0]?.n);

  it("run in a read-only transaction with the statement timeout set for it alone", async () => {
    const connection = connectionOf(handle, { statementTimeoutMs: 1234 });
    const [settings] = await connection.read((db) =>
      db
        .select({
          readOnly: sql<string>`current_setting('transaction_read_only')`,
          timeout: sql<string>`current_setting('statement_timeout')`,
        })
        .from(jobs)
        .limit(1),
    );
    expect(settings).toEqual({ readOnly: "on", timeout: "1234ms" });
    // SET LOCAL: the session the read borrowed keeps its own setting afterwards.
    const [after] = await handle.query<{ timeout: string }>(
      sql`SELECT current_setting('statement_timeout') AS timeout`,
    );
    expect(after?.timeout).not.toBe("1234ms");
  });

  it("cannot write: an INSERT, an UPDATE, a DELETE or a DROP in the read path is refused", async () => {
    const connection = connectionOf(handle, { statementTimeoutMs: 5000 });
    const before = await jobCount();
    const writes = [
      sql`INSERT INTO jobs (job_id, bot_id, state, accepted_at) VALUES ('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'intruder', 'queued', now())`,
      sql`UPDATE jobs SET bot_id = 'intruder' WHERE job_id = ${JOB.J1}`,
      sql`DELETE FROM jobs`,
      sql`DROP TABLE job_stages`,
    ];
    for (const write of writes) {
      const failure = await connection
        .read((db) => db.execute(write))
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      const { status, body } = toErrorResponse(failure);
      expect(status).toBe(403);
      expect(body.error.kind).toBe("refused");
      expect(body.error.message).toContain("read-only transaction");
    }
    expect(await jobCount()).toBe(before);
    const [j1] = await handle.query<{ bot_id: string }>(
      sql`SELECT bot_id FROM jobs WHERE job_id = ${JOB.J1}`,
    );
    expect(j1?.bot_id).toBe("invoice-bot");
    await expect(handle.query(sql`SELECT count(*) FROM job_stages`)).resolves.toHaveLength(1);
  });
});

// PGlite runs in this process's thread and has no timer to cancel a statement with: the
// timeout is PostgreSQL's (README, Admin console). The engine is the one the harness chose, which
// is PGlite also when nothing names it (no TEST_DATABASE_URL, no Docker).
describe.runIf(inject("auditTestDatabase").engine === "postgres")(
  "a console read cut short",
  () => {
    let database: TestDatabase;
    let handle: DatabaseHandle;

    beforeAll(async () => {
      database = await createTestDatabase();
      handle = await database.open();
      await insertKnownAuditData(handle.db);
    });

    afterAll(async () => {
      await handle?.close();
      await database?.dispose();
    });

    it("answers 503: took too long, narrow the range", async ({ skip }) => {
      if (handle.driver.engine !== "postgres") return skip();
      const { sql: client } = handle.driver;
      const app = createConsoleApp({
        connection: connectionOf(handle, { statementTimeoutMs: 200 }),
        access: ANY_HOST,
        logError: () => {},
      });
      // Another session holds `jobs` exclusively: the console's read waits for it, and the wait
      // counts against its statement_timeout, so the read is cut short after 200 ms.
      let release = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let locked = () => {};
      const lockTaken = new Promise<void>((resolve) => {
        locked = resolve;
      });
      const holder = client.begin(async (tx) => {
        await tx`LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE`;
        locked();
        await released;
      });
      try {
        await lockTaken;
        const started = Date.now();
        const response = await app.request("/api/bots?from=2026-03-01&to=2026-03-08");
        const waited = Date.now() - started;
        expect(response.status).toBe(503);
        const body = await response.json();
        expect(body.error.kind).toBe("busy");
        expect(body.error.message).toContain("took too long");
        expect(body.error.message).toContain("narrow the range");
        expect(waited).toBeGreaterThanOrEqual(150);
        expect(waited).toBeLessThan(5000);
      } finally {
        release();
        await holder;
      }
      // The limit was the read's own: the same request answers once the table is free.
      const again = await app.request("/api/bots?from=2026-03-01&to=2026-03-08");
      expect(again.status).toBe(200);
    });

    it("is cut short by the timeout on a read that computes too long", async () => {
      const connection = connectionOf(handle, { statementTimeoutMs: 100 });
      const failure = await connection
        .read((db) => db.execute(sql`SELECT pg_sleep(3)`))
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      const { status, body } = toErrorResponse(failure);
      expect(status).toBe(503);
      expect(body.error.message).toContain("took too long");
    });
  },
);
