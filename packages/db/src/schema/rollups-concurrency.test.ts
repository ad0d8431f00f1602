import { sql } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import type { DatabaseHandle } from "../client/handle.ts";
import { migrate } from "../migrator/index.ts";
import { useTestDatabase } from "../testing/index.ts";
import { STAGE_TOTALS_SLOTS } from "./rollups.ts";

const onPostgres = inject("auditTestDatabase").engine === "postgres";

/**
 * Every rollup row (zero rows left by updates and deletes aside) that differs from the same figures
 * aggregated over the base tables, in either direction, with every counter and sum compared.
 */
const rollupMismatches = sql`
  WITH plain_totals AS (
    SELECT bot_id, count(*) FILTER (WHERE state = 'queued')::int AS queued, count(*) FILTER (WHERE state = 'running')::int AS running,
           count(*) FILTER (WHERE state = 'succeeded')::int AS succeeded, count(*) FILTER (WHERE state = 'failed')::int AS failed,
           count(*) FILTER (WHERE state = 'canceled')::int AS canceled, count(finished_at - started_at)::int AS timed,
           coalesce(sum(EXTRACT(EPOCH FROM (finished_at - started_at))), 0) AS seconds
    FROM jobs GROUP BY bot_id),
  rolled_totals AS (
    SELECT bot_id, queued_jobs, running_jobs, succeeded_jobs, failed_jobs, canceled_jobs, timed_jobs, duration_seconds_sum
    FROM bot_job_totals WHERE queued_jobs + running_jobs + succeeded_jobs + failed_jobs + canceled_jobs > 0),
  plain_hourly AS (
    SELECT bot_id, date_trunc('hour', accepted_at, 'UTC') AS hour,
           count(*) FILTER (WHERE state = 'queued')::int AS queued, count(*) FILTER (WHERE state = 'running')::int AS running,
           count(*) FILTER (WHERE state = 'succeeded')::int AS succeeded, count(*) FILTER (WHERE state = 'failed')::int AS failed,
           count(*) FILTER (WHERE state = 'canceled')::int AS canceled, count(finished_at - started_at)::int AS timed,
           coalesce(sum(EXTRACT(EPOCH FROM (finished_at - started_at))), 0) AS seconds
    FROM jobs GROUP BY 1, 2),
  rolled_hourly AS (
    SELECT bot_id, hour, queued_jobs, running_jobs, succeeded_jobs, failed_jobs, canceled_jobs, timed_jobs, duration_seconds_sum
    FROM bot_job_hourly WHERE queued_jobs + running_jobs + succeeded_jobs + failed_jobs + canceled_jobs > 0),
  plain_stages AS (
    SELECT stage_name, stage_duration_floor(duration_ms) AS bucket, count(*)::int AS runs,
           count(*) FILTER (WHERE status = 'fail')::int AS failed,
           count(duration_ms)::int AS timed, coalesce(sum(duration_ms), 0)::bigint AS ms
    FROM job_stages GROUP BY 1, 2),
  rolled_stages AS (
    SELECT stage_name, duration_floor_ms, sum(total_runs)::int, sum(failed_runs)::int, sum(timed_runs)::int,
           sum(duration_ms_sum)::bigint
    FROM stage_totals GROUP BY 1, 2 HAVING sum(total_runs) > 0)
  SELECT (SELECT count(*) FROM ((TABLE plain_totals EXCEPT TABLE rolled_totals) UNION ALL (TABLE rolled_totals EXCEPT TABLE plain_totals)) d)::int AS totals,
         (SELECT count(*) FROM ((TABLE plain_hourly EXCEPT TABLE rolled_hourly) UNION ALL (TABLE rolled_hourly EXCEPT TABLE plain_hourly)) d)::int AS hourly,
         (SELECT count(*) FROM ((TABLE plain_stages EXCEPT TABLE rolled_stages) UNION ALL (TABLE rolled_stages EXCEPT TABLE plain_stages)) d)::int AS stages`;

const WRITERS = 8;
const JOBS_PER_WRITER = 40;
/** Few bots and hours (and three stage names), so that every writer hits the same rollup rows. */
const BOTS = 3;

/**
 * One writer on its own connection: whole jobs as the recorder writes them (accept, start, stages,
 * finish, each its own transaction), some moved to another bot or hour, some deleted afterwards.
 */
async function writeJobs(handle: DatabaseHandle, writer: number): Promise<void> {
  for (let n = 0; n < JOBS_PER_WRITER; n++) {
    const jobId = `00000000-0000-4000-8000-${String(writer * 1000 + n).padStart(12, "0")}`;
    const bot = `bot-${(writer + n) % BOTS}`;
    // Two hours, with sub-millisecond times so the exact sums are tested beyond whole seconds.
    const accepted = new Date(Date.UTC(2026, 0, 1, n % 2, 59, 58) + writer).toISOString();
    await handle.query(
      sql`INSERT INTO jobs (job_id, bot_id, accepted_at) VALUES (${jobId}, ${bot}, ${accepted})`,
    );
    await handle.query(sql`UPDATE jobs SET state = 'running', started_at = accepted_at + interval '0.000250 s'
      WHERE job_id = ${jobId}`);
    await handle.query(sql`
      INSERT INTO job_stages (job_id, stage_name, started_at, ended_at, status)
      SELECT ${jobId}, name, now(), now() + ((ord * 7 + ${n % 8} * 97) * interval '1 ms'), CASE WHEN ord = 3 AND ${n % 4} = 0 THEN 'fail' ELSE 'succeed' END
      FROM (VALUES ('fetch', 1), ('parse', 2), ('deliver', 3)) AS s(name, ord)`);
    const state = n % 4 === 0 ? "failed" : "succeeded";
    await handle.query(sql`UPDATE jobs SET state = ${state},
      finished_at = started_at + ((${n} * 1013) * interval '1 ms') + interval '0.000007 s'
      WHERE job_id = ${jobId}`);
    if (n % 5 === 0) {
      await handle.query(sql`UPDATE jobs SET bot_id = ${`bot-${(writer + n + 1) % BOTS}`},
        accepted_at = accepted_at + interval '1 hour', started_at = started_at + interval '1 hour',
        finished_at = finished_at + interval '1 hour' WHERE job_id = ${jobId}`);
    }
    if (n % 7 === 0) await handle.query(sql`DELETE FROM jobs WHERE job_id = ${jobId}`);
    if (n % 6 === 0) {
      await handle.query(
        sql`DELETE FROM job_stages WHERE job_id = ${jobId} AND stage_name = 'parse'`,
      );
    }
  }
}

describe.skipIf(!onPostgres)("rollups under concurrent writers (PostgreSQL)", () => {
  const context = useTestDatabase();

  it("stay exactly equal to the plain aggregates when writers on separate connections touch the same rows", async () => {
    const handles = await Promise.all(
      Array.from({ length: WRITERS }, () => context.database.open({ maxConnections: 1 })),
    );
    try {
      // The writers really overlap: each is a separate session, all started before any finishes.
      const sessions = await Promise.all(
        handles.map((handle) => handle.query<{ pid: number }>(sql`SELECT pg_backend_pid() AS pid`)),
      );
      expect(new Set(sessions.map(([row]) => row?.pid)).size).toBe(WRITERS);
      await Promise.all(handles.map((handle, writer) => writeJobs(handle, writer)));
    } finally {
      await Promise.all(handles.map((handle) => handle.close()));
    }
    const [counts] = await context.handle.query<{ jobs: number; stages: number }>(
      sql`SELECT (SELECT count(*) FROM jobs)::int AS jobs, (SELECT count(*) FROM job_stages)::int AS stages`,
    );
    // 40 jobs a writer, those with n % 7 = 0 (n = 0, 7, …, 35: 6) deleted: 34 left, 3 stages each,
    // less 'parse' of the jobs with n % 6 = 0 that are left (6, 12, 18, 24, 30, 36: 6).
    expect(counts).toEqual({ jobs: WRITERS * 34, stages: WRITERS * (34 * 3 - 6) });
    expect(await context.handle.query(rollupMismatches)).toEqual([
      { totals: 0, hourly: 0, stages: 0 },
    ]);
    // A nonempty comparison: the rollups hold what was written, not two empty sides.
    const [rolled] = await context.handle.query<{ jobs: number }>(
      sql`SELECT sum(succeeded_jobs + failed_jobs)::int AS jobs FROM bot_job_totals`,
    );
    expect(rolled?.jobs).toBe(WRITERS * 34);
  });
});

describe.skipIf(!onPostgres)("stage_totals slots under concurrent writers (PostgreSQL)", () => {
  const context = useTestDatabase();
  const JOB = "00000000-0000-4000-b000-000000000001";

  /** The slot a transaction's stage writes add to: its id modulo the slot count (migration 0011). */
  const transactionSlot = sql`(txid_current() % ${STAGE_TOTALS_SLOTS})::int AS slot`;

  /**
   * Opens a transaction on `handle` whose slot `wanted` accepts, rolling back those that are not:
   * each try takes the next transaction id, so a wanted slot comes within 16 tries unless other
   * sessions take ids in between (400 tries: (15/16)^400 ≈ 10^-11 if ids came at random).
   */
  async function beginInSlot(
    handle: DatabaseHandle,
    wanted: (slot: number) => boolean,
  ): Promise<number> {
    for (let attempt = 0; attempt < 400; attempt++) {
      await handle.query(sql`BEGIN`);
      const [row] = await handle.query<{ slot: number }>(sql`SELECT ${transactionSlot}`);
      if (row !== undefined && wanted(row.slot)) return row.slot;
      await handle.query(sql`ROLLBACK`);
    }
    throw new Error("no transaction in the wanted slot after 400 tries");
  }

  /** One 1,000 ms stage of JOB: every call adds to the same bucket (992) of 'hot'. */
  const insertHotStage = (handle: DatabaseHandle, minute: number) =>
    handle.query(sql`
      INSERT INTO job_stages (job_id, stage_name, started_at, ended_at, status)
      VALUES (${JOB}, 'hot', '2026-01-01T00:00:00Z'::timestamptz + ${minute} * interval '1 minute',
              '2026-01-01T00:00:01Z'::timestamptz + ${minute} * interval '1 minute', 'succeed')`);

  it("a stage write waits for an uncommitted write to the same bucket only when their transactions share a slot", async () => {
    await context.handle.query(sql`INSERT INTO jobs (job_id, bot_id) VALUES (${JOB}, 'bot-hot')`);
    const session = () => context.database.open({ maxConnections: 1 });
    const [holder, other, sameSlot] = await Promise.all([session(), session(), session()]);
    try {
      const held = await beginInSlot(holder, () => true);
      await insertHotStage(holder, 0);
      // The write went to the slot computed here, independently of the trigger's SQL.
      expect(
        await holder.query(sql`SELECT slot, total_runs FROM stage_totals WHERE stage_name = 'hot'`),
      ).toEqual([{ slot: held, total_runs: 1 }]);

      // Another slot: the bucket's row of the holder's slot is not in its way (a wait for the
      // holder, which commits only at the end, would end in a lock timeout).
      await beginInSlot(other, (slot) => slot !== held);
      await other.query(sql`SET LOCAL lock_timeout = '5s'`);
      await insertHotStage(other, 1);
      await other.query(sql`COMMIT`);

      // The same slot: the write waits for the holder's row lock, as every write did before the
      // slots; it gives up after 200 ms here, which shows that this test sees a wait.
      await beginInSlot(sameSlot, (slot) => slot === held);
      await sameSlot.query(sql`SET LOCAL lock_timeout = '200ms'`);
      // 55P03: lock_not_available, the lock timeout.
      await expect(insertHotStage(sameSlot, 2)).rejects.toMatchObject({
        cause: { code: "55P03" },
      });
      await sameSlot.query(sql`ROLLBACK`);

      await holder.query(sql`COMMIT`);
    } finally {
      for (const handle of [holder, other, sameSlot]) {
        await handle.query(sql`ROLLBACK`).catch(() => {});
        await handle.close();
      }
    }
    // The holder's and the other's runs, not the one rolled back.
    expect(
      await context.handle.query(
        sql`SELECT total_runs, avg_duration_ms FROM job_stage_summary WHERE stage_name = 'hot'`,
      ),
    ).toEqual([{ total_runs: 2, avg_duration_ms: 1000 }]);
  });
});

describe.skipIf(!onPostgres)(
  "0011_stage_totals_slots while writers record stages (PostgreSQL)",
  () => {
    const context = useTestDatabase({ migrated: false, connection: { maxConnections: 1 } });
    const JOB = "00000000-0000-4000-b000-000000000002";
    const STAGE_WRITERS = 4;
    const WRITES_AFTER = 10;

    /** Stages of one name and bucket (1,000 ms), each its own transaction, until told to stop. */
    async function recordStages(
      handle: DatabaseHandle,
      writer: number,
      migrated: () => boolean,
    ): Promise<number> {
      let written = 0;
      let after = 0;
      while (after < WRITES_AFTER) {
        if (migrated()) after++;
        const at = "2026-01-01T00:00:00Z";
        await handle.query(sql`
        INSERT INTO job_stages (job_id, stage_name, started_at, ended_at, status)
        VALUES (${JOB}, 'live', ${at}::timestamptz + ${writer * 100_000 + written} * interval '1 ms',
                ${at}::timestamptz + ${writer * 100_000 + written + 1000} * interval '1 ms', 'succeed')`);
        written++;
      }
      return written;
    }

    it("holds their writes while it runs, then counts them in slots: none fails, is lost or is counted twice", async () => {
      await migrate(context.handle, { to: "0010_stage_duration_buckets" });
      await context.handle.query(
        sql`INSERT INTO jobs (job_id, bot_id) VALUES (${JOB}, 'bot-live')`,
      );
      const handles = await Promise.all(
        Array.from({ length: STAGE_WRITERS }, () => context.database.open({ maxConnections: 1 })),
      );
      let migrated = false;
      const writing = Promise.all(
        handles.map((handle, writer) => recordStages(handle, writer, () => migrated)),
      );
      try {
        // Writes before the migration, in the one-row-per-bucket table of 0010.
        await new Promise((resolve) => setTimeout(resolve, 300));
        const [before] = await context.handle.query<{ runs: number }>(
          sql`SELECT count(*)::int AS runs FROM job_stages`,
        );
        expect(before?.runs).toBeGreaterThan(0);
        await migrate(context.handle);
        migrated = true;
        const written = (await writing).reduce((sum, count) => sum + count, 0);

        const [stored] = await context.handle.query<{ runs: number; slots: number }>(sql`
        SELECT (SELECT count(*) FROM job_stages)::int AS runs,
               (SELECT count(DISTINCT slot) FROM stage_totals)::int AS slots`);
        expect(stored?.runs).toBe(written);
        // The rows of 0010 became slot 0; the writes after it went to their transactions' slots.
        expect(stored?.slots).toBeGreaterThan(1);
        expect(await context.handle.query(rollupMismatches)).toEqual([
          { totals: 0, hourly: 0, stages: 0 },
        ]);
        expect(
          await context.handle.query(
            sql`SELECT total_runs, avg_duration_ms FROM job_stage_summary WHERE stage_name = 'live'`,
          ),
        ).toEqual([{ total_runs: written, avg_duration_ms: 1000 }]);
      } finally {
        migrated = true;
        await writing.catch(() => {});
        await Promise.all(handles.map((handle) => handle.close()));
      }
    });
  },
);
