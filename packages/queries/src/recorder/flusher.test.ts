import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabaseForTest } from "@forusbots/db/testing";
import { sql } from "drizzle-orm";
import { describe, expect, inject, it, onTestFinished } from "vitest";
import { RecorderConnection } from "./connection.ts";
import { SpoolFlusher } from "./flusher.ts";
import { acceptedEvent } from "./record-event.ts";
import type { RecorderEvent } from "./recorder-events.ts";
import { RejectedLog } from "./spool/rejected-log.ts";
import { Spool } from "./spool/spool.ts";

const onPostgres = inject("auditTestDatabase").engine === "postgres";

/*
 * PostgreSQL only: the slow server is a trigger that sleeps, and a replay given up on must be cut
 * by the server's statement timeout; PGlite runs in this thread, where a sleep stops everything.
 */
describe.skipIf(!onPostgres)("the spool flusher on a server too slow for its largest batch", () => {
  it("halves the batch after each timed-out replay until one fits, and drains the spool", async () => {
    const setup = await openDatabaseForTest();
    // 10 ms per job row: the 120 spooled acceptances take 1.2 s in one batch, 60 take 0.6 s;
    // only batches of fewer than 50 fit in the 500 ms a replay may take.
    await setup.handle.query(sql`
      CREATE FUNCTION test_slow_job_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_sleep(0.01); RETURN NEW; END $$`);
    await setup.handle.query(sql`
      CREATE TRIGGER test_slow_job_insert BEFORE INSERT ON jobs
      FOR EACH ROW EXECUTE FUNCTION test_slow_job_insert()`);
    const FLUSH_TIMEOUT_MS = 500;
    const JOBS = 120;

    const dir = mkdtempSync(join(tmpdir(), "audit-spool-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const spool = new Spool(dir, 16 * 1024 * 1024);
    const jobIds = Array.from({ length: JOBS }, () => crypto.randomUUID());
    for (const [n, jobId] of jobIds.entries()) {
      await spool.append(
        acceptedEvent({ jobId, botId: "bot-slow", at: new Date(Date.UTC(2026, 0, 1, 0, n)) }),
      );
    }
    const url = setup.database.env.DATABASE_URL ?? "";
    // As the recorder opens it: the server ends a statement given up on after the same time.
    const connection = new RecorderConnection(
      { engine: "postgres", url },
      { statementTimeoutMs: FLUSH_TIMEOUT_MS, connectTimeoutSeconds: 2 },
      2_000,
    );
    const rejected = new RejectedLog(dir);
    const events: RecorderEvent[] = [];
    const flusher = new SpoolFlusher(spool, connection, rejected, (event) => events.push(event), {
      flushTimeoutMs: FLUSH_TIMEOUT_MS,
      batch: { maxEvents: JOBS, maxBytes: 4 * 1024 * 1024 },
      backoff: { firstMs: 10, maxMs: 50 },
    });
    try {
      expect(await flusher.drain(30_000)).toBe(true);
    } finally {
      await flusher.stop();
      await rejected.close();
      await connection.close();
    }

    const timeouts = events.filter(
      (event) =>
        event.type === "flush-failed" &&
        event.reason === `no answer from the database within ${FLUSH_TIMEOUT_MS} ms`,
    );
    expect(timeouts.length).toBeGreaterThanOrEqual(2);
    const flushed = events.flatMap((event) => (event.type === "flushed" ? [event.events] : []));
    expect(flushed.reduce((sum, count) => sum + count, 0)).toBe(JOBS);
    expect(Math.max(...flushed)).toBeLessThan(50);
    expect(events.filter((event) => event.type === "rejected")).toEqual([]);
    const [stored] = await setup.handle.query<{ jobs: number; distinct: number }>(
      sql`SELECT count(*)::int AS jobs, count(DISTINCT job_id)::int AS distinct FROM jobs
          WHERE job_id = ANY(${`{${jobIds.join(",")}}`}::uuid[])`,
    );
    expect(stored).toEqual({ jobs: JOBS, distinct: JOBS });
  }, 60_000);
});
