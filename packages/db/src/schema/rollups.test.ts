import { type SQL, sql } from "drizzle-orm";
import { QueryBuilder } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../testing/index.ts";
import { STAGE_TOTALS_SLOTS } from "./rollups.ts";
import { plainJobMetricsByBotQuery, plainJobStageSummaryQuery } from "./views.ts";

/** A small deterministic PRNG (mulberry32), so a failure replays the same writes. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const plain = new QueryBuilder();
const plainMetrics = sql`${plainJobMetricsByBotQuery(plain).getSQL()} ORDER BY 1`;
const plainStages = sql`${plainJobStageSummaryQuery(plain).getSQL()} ORDER BY 1`;
// The hourly rollup against the same counts taken from the base table.
const plainHourly = sql`
  SELECT bot_id, date_trunc('hour', accepted_at, 'UTC') AS hour,
         count(*) FILTER (WHERE state = 'queued')::int AS queued_jobs,
         count(*) FILTER (WHERE state = 'running')::int AS running_jobs,
         count(*) FILTER (WHERE state = 'succeeded')::int AS succeeded_jobs,
         count(*) FILTER (WHERE state = 'failed')::int AS failed_jobs,
         count(*) FILTER (WHERE state = 'canceled')::int AS canceled_jobs
  FROM jobs GROUP BY 1, 2 ORDER BY 1, 2`;
const rolledHourly = sql`
  SELECT bot_id, hour, queued_jobs, running_jobs, succeeded_jobs, failed_jobs, canceled_jobs
  FROM bot_job_hourly
  WHERE queued_jobs + running_jobs + succeeded_jobs + failed_jobs + canceled_jobs > 0
  ORDER BY 1, 2`;

/**
 * The duration bucket of migration 0010, computed here independently of its SQL (which counts
 * thresholds with width_bucket): keep the 4 leading bits of the duration (its bit length from
 * Math.clz32), clear the rest; durations under 16 ms are their own bucket, none is -1.
 */
const bucketOf = (ms: number | null): number =>
  ms === null ? -1 : ms < 16 ? ms : ms & ~((1 << (32 - Math.clz32(ms) - 4)) - 1);

type BucketRow = {
  stage_name: string;
  duration_floor_ms: number;
  total_runs: number;
  failed_runs: number;
  timed_runs: number;
  duration_ms_sum: number;
};

/** stage_totals as it must be: the base table's stages counted per stage and bucket, in TypeScript. */
async function plainStageBuckets(handle: ReturnType<typeof useTestDatabase>["handle"]) {
  const stages = await handle.query<{
    stage_name: string;
    duration_ms: number | null;
    status: string;
  }>(sql`SELECT stage_name, duration_ms, status FROM job_stages`);
  const buckets = new Map<string, BucketRow>();
  for (const { stage_name, duration_ms, status } of stages) {
    const floor = bucketOf(duration_ms);
    const key = `${stage_name}\u0000${floor}`;
    const row = buckets.get(key) ?? {
      stage_name,
      duration_floor_ms: floor,
      total_runs: 0,
      failed_runs: 0,
      timed_runs: 0,
      duration_ms_sum: 0,
    };
    row.total_runs += 1;
    row.failed_runs += status === "fail" ? 1 : 0;
    row.timed_runs += duration_ms === null ? 0 : 1;
    row.duration_ms_sum += duration_ms ?? 0;
    buckets.set(key, row);
  }
  return [...buckets.values()].sort((a, b) =>
    a.stage_name === b.stage_name
      ? a.duration_floor_ms - b.duration_floor_ms
      : a.stage_name < b.stage_name
        ? -1
        : 1,
  );
}

// A bucket is the sum of its slots. Buckets emptied by deletes or updates keep zero rows, which
// the plain count has no row for.
const rolledStageBuckets = sql`
  SELECT stage_name, duration_floor_ms, sum(total_runs)::integer AS total_runs,
         sum(failed_runs)::integer AS failed_runs, sum(timed_runs)::integer AS timed_runs,
         sum(duration_ms_sum)::integer AS duration_ms_sum
  FROM stage_totals
  GROUP BY stage_name, duration_floor_ms
  HAVING sum(total_runs) <> 0 OR sum(failed_runs) <> 0 OR sum(timed_runs) <> 0 OR sum(duration_ms_sum) <> 0
  ORDER BY stage_name COLLATE "C", duration_floor_ms`;

describe("the duration bucket of a stage run", () => {
  const context = useTestDatabase();

  it("keeps the 4 leading bits of the duration, at every power of two and its neighbours", async () => {
    const durations = [...Array.from({ length: 300 }, (_, ms) => ms)];
    for (let bits = 4; bits <= 30; bits++) {
      const power = 2 ** bits;
      durations.push(power - 1, power, power + 1, power + power / 2 - 1);
    }
    durations.push(10_100, 2 ** 31 - 1);
    const distinct = [...new Set(durations)].sort((a, b) => a - b);
    const rows = await context.handle.query<{ duration: number; floor: number }>(sql`
      SELECT d AS duration, stage_duration_floor(d) AS floor
      FROM unnest(${`{${distinct.join(",")}}`}::integer[]) AS d ORDER BY d`);
    const expected = distinct.map((duration) => ({ duration, floor: bucketOf(duration) }));
    expect(rows).toEqual(expected);
    // By hand: 17 and 31 keep 1000 and 1111 of 1000x and 1111x; 10100 = 10011101110100 keeps 1001.
    expect(rows.filter((row) => [17, 31, 127, 10_100].includes(row.duration))).toEqual([
      { duration: 17, floor: 16 },
      { duration: 31, floor: 30 },
      { duration: 127, floor: 120 },
      { duration: 10_100, floor: 9_216 },
    ]);
    const [untimed] = await context.handle.query<{ floor: number }>(
      sql`SELECT stage_duration_floor(NULL) AS floor`,
    );
    expect(untimed?.floor).toBe(-1);
  });
});

describe("the slots of a stage_totals bucket", () => {
  const context = useTestDatabase();

  it("spread one bucket's writes, one transaction each, over the slots, and the view sums them", async () => {
    const jobId = "00000000-0000-4000-a000-000000000001";
    await context.handle.query(
      sql`INSERT INTO jobs (job_id, bot_id) VALUES (${jobId}, 'bot-slots')`,
    );
    const writes = 40;
    for (let n = 0; n < writes; n++) {
      // 1,000 ms each (bucket 992): every write adds to the same bucket, in its transaction's slot.
      await context.handle.query(sql`
        INSERT INTO job_stages (job_id, stage_name, started_at, ended_at, status)
        VALUES (${jobId}, 'slotted', '2026-01-01T00:00:00Z'::timestamptz + ${n} * interval '1 minute',
                '2026-01-01T00:00:01Z'::timestamptz + ${n} * interval '1 minute', 'succeed')`);
    }
    const [spread] = await context.handle.query<{
      rows: number;
      buckets: number;
      lowest: number;
      highest: number;
      runs: number;
    }>(sql`
      SELECT count(*)::int AS rows, count(DISTINCT duration_floor_ms)::int AS buckets,
             min(slot)::int AS lowest, max(slot)::int AS highest, sum(total_runs)::int AS runs
      FROM stage_totals WHERE stage_name = 'slotted'`);
    // 40 transactions over 16 slots: at random, fewer than 8 slots would be taken about once in
    // 10^9 runs; in turn (transaction ids one apart), all 16.
    expect(spread?.rows).toBeGreaterThanOrEqual(8);
    expect(spread).toMatchObject({ buckets: 1, runs: writes });
    expect(spread?.lowest).toBeGreaterThanOrEqual(0);
    expect(spread?.highest).toBeLessThan(STAGE_TOTALS_SLOTS);
    expect(
      await context.handle.query(sql`SELECT * FROM job_stage_summary WHERE stage_name = 'slotted'`),
    ).toEqual([
      { stage_name: "slotted", total_runs: writes, failed_runs: 0, avg_duration_ms: 1000 },
    ]);
  });
});

describe("rollups stay exactly equal to the plain aggregates", () => {
  const context = useTestDatabase();
  const next = random(20261125);
  const jobIds: string[] = [];

  async function expectViewsEqualPlain() {
    const rows = (statement: SQL) => context.handle.query(statement);
    expect(await rows(sql`SELECT * FROM job_metrics_by_bot ORDER BY 1`)).toEqual(
      await rows(plainMetrics),
    );
    expect(await rows(sql`SELECT * FROM job_stage_summary ORDER BY 1`)).toEqual(
      await rows(plainStages),
    );
    expect(await rows(rolledHourly)).toEqual(await rows(plainHourly));
    expect(await rows(rolledStageBuckets)).toEqual(await plainStageBuckets(context.handle));
  }

  it("after multi-row inserts of jobs in every state and their stages", async () => {
    const states = ["queued", "running", "succeeded", "failed", "canceled"];
    const values: SQL[] = [];
    for (let n = 0; n < 400; n++) {
      const jobId = `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
      jobIds.push(jobId);
      const accepted =
        Date.UTC(2026, 0, 1) + Math.floor(next() * 72) * 3_600_000 + Math.floor(next() * 3_600_000);
      const state = states[Math.floor(next() * states.length)] ?? "queued";
      // Durations with microseconds, so exactness is tested beyond whole seconds.
      const started =
        state === "queued" || (state === "canceled" && next() < 0.5)
          ? null
          : accepted + Math.floor(next() * 5_000);
      const finished =
        state === "queued" || state === "running"
          ? null
          : (started ?? accepted) + Math.floor(next() * 600_000) + next();
      const iso = (ms: number | null) =>
        ms === null
          ? null
          : new Date(ms)
              .toISOString()
              .replace("Z", `${String(Math.floor(next() * 1000)).padStart(3, "0")}Z`);
      values.push(
        sql`(${jobId}, ${`bot-${Math.floor(next() * 6)}`}, ${state}, ${iso(accepted)}::timestamptz, ${iso(started)}::timestamptz, ${iso(finished)}::timestamptz)`,
      );
    }
    await context.handle.query(sql`
      INSERT INTO jobs (job_id, bot_id, state, accepted_at, started_at, finished_at)
      SELECT job_id::uuid, bot_id, state, accepted_at, started_at,
             CASE WHEN finished_at IS NULL THEN NULL ELSE GREATEST(finished_at, COALESCE(started_at, accepted_at)) END
      FROM (VALUES ${sql.join(values, sql`, `)}) AS v(job_id, bot_id, state, accepted_at, started_at, finished_at)
      -- Microsecond jitter can put started before accepted: keep the row valid.
      WHERE started_at IS NULL OR started_at >= accepted_at`);
    await context.handle.query(sql`
      INSERT INTO job_stages (job_id, stage_name, started_at, ended_at, status)
      SELECT j.job_id, s.name, j.accepted_at + s.offset_ms * interval '1 millisecond',
             CASE WHEN (hashtext(j.job_id::text || s.name) & 7) = 0 THEN NULL
                  ELSE j.accepted_at + s.offset_ms * interval '1 millisecond'
                       + (1 + abs(hashtext(s.name || j.job_id::text)) % 90000000) * interval '1 microsecond' END,
             CASE WHEN (hashtext(s.name || j.job_id::text) & 3) = 0 THEN 'fail' ELSE 'succeed' END
      FROM jobs j CROSS JOIN (VALUES ('login', 0), ('fill-form', 1000), ('upload', 2000), ('submit', 3000)) AS s(name, offset_ms)
      WHERE (hashtext(j.job_id::text) & 1) = 0 OR s.name <> 'upload'`);
    await expectViewsEqualPlain();
    // Durations from 0 to 90 s: every stage's runs spread over dozens of buckets.
    const [spread] = await context.handle.query<{ buckets: number }>(
      sql`SELECT count(DISTINCT duration_floor_ms)::int AS buckets FROM stage_totals WHERE stage_name = 'login'`,
    );
    expect(spread?.buckets).toBeGreaterThan(40);
  });

  it("after updates that move jobs between states and bots", async () => {
    await context.handle.query(sql`
      UPDATE jobs SET state = 'running', started_at = accepted_at + interval '1 second'
      WHERE state = 'queued' AND (hashtext(job_id::text) & 1) = 0`);
    await context.handle.query(sql`
      UPDATE jobs SET state = 'succeeded', finished_at = started_at + interval '42.123456 seconds'
      WHERE state = 'running'`);
    await context.handle.query(sql`UPDATE jobs SET bot_id = 'bot-renamed' WHERE bot_id = 'bot-1'`);
    await context.handle.query(sql`
      UPDATE job_stages SET status = 'fail', ended_at = started_at + interval '3.5 seconds'
      WHERE stage_name = 'submit' AND ended_at IS NULL`);
    await expectViewsEqualPlain();
  });

  it("after single-row writes, one statement each, as the live recorder writes", async () => {
    const run = (statement: SQL) => context.handle.query(statement);
    const job = (n: number) => jobIds[n % jobIds.length] ?? "";
    const rolledTotals = () =>
      run(sql`SELECT xmin::text AS version, * FROM bot_job_totals ORDER BY bot_id`);
    // An update of a column no rollup counts writes no rollup row: the rows keep their version.
    const before = await rolledTotals();
    await run(sql`UPDATE jobs SET meta = '{"touched": true}' WHERE job_id = ${job(7)}`);
    expect(await rolledTotals()).toEqual(before);

    for (let n = 0; n < 60; n++) {
      const pick = Math.floor(next() * 1_000_000);
      switch (n % 6) {
        case 0: {
          // A new job, of a bot that has none yet every third time (its rollup rows inserted).
          const jobId = `00000000-0000-4000-9000-${String(n).padStart(12, "0")}`;
          const bot = n % 18 === 0 ? `bot-single-${n}` : `bot-${pick % 6}`;
          const accepted = new Date(Date.UTC(2026, 0, 4) + pick * 1_000).toISOString();
          await run(sql`INSERT INTO jobs (job_id, bot_id, state, accepted_at)
            VALUES (${jobId}, ${bot}, 'queued', ${accepted}::timestamptz)`);
          await run(sql`INSERT INTO job_stages (job_id, stage_name, started_at, ended_at, status)
            VALUES (${jobId}, ${`single-${pick % 3}`}, ${accepted}::timestamptz,
                    ${n % 12 === 0 ? null : accepted}::timestamptz + ${pick % 90_000} * interval '1 millisecond',
                    ${pick % 4 === 0 ? "fail" : "succeed"})`);
          break;
        }
        case 1:
          await run(sql`UPDATE jobs SET state = 'running', started_at = accepted_at + interval '2 seconds'
            WHERE job_id = (SELECT job_id FROM jobs WHERE state = 'queued' ORDER BY job_id LIMIT 1)`);
          break;
        case 2:
          await run(sql`UPDATE jobs SET state = ${pick % 2 === 0 ? "succeeded" : "failed"},
              finished_at = started_at + ${pick} * interval '1 microsecond'
            WHERE job_id = (SELECT job_id FROM jobs WHERE state = 'running' ORDER BY job_id LIMIT 1)`);
          break;
        case 3:
          // Within its hour (the same rollup rows), then to the hour before (two hourly rows).
          await run(sql`UPDATE jobs SET accepted_at = date_trunc('hour', accepted_at, 'UTC')
            WHERE job_id = ${job(pick)}`);
          await run(sql`UPDATE jobs SET accepted_at = accepted_at - interval '1 hour'
            WHERE job_id = ${job(pick + 1)}`);
          break;
        case 4:
          await run(sql`UPDATE jobs SET bot_id = ${`bot-${pick % 6}`} WHERE job_id = ${job(pick)}`);
          break;
        default:
          await run(sql`DELETE FROM jobs WHERE job_id = ${job(pick)}`);
      }
    }
    await expectViewsEqualPlain();
  });

  it("after deletes, including jobs whose stages go by cascade", async () => {
    await context.handle.query(
      sql`DELETE FROM jobs WHERE job_id = ANY(${`{${jobIds.slice(0, 120).join(",")}}`}::uuid[])`,
    );
    await context.handle.query(
      sql`DELETE FROM job_stages WHERE stage_name = 'login' AND status = 'fail'`,
    );
    await context.handle.query(sql`DELETE FROM jobs WHERE bot_id = 'bot-0'`);
    await expectViewsEqualPlain();
    const [gone] = await context.handle.query<{ rows: number }>(
      sql`SELECT count(*)::int AS rows FROM job_metrics_by_bot WHERE bot_id = 'bot-0'`,
    );
    expect(gone?.rows).toBe(0);
  });

  it("inside a transaction that rolls back, the rollups roll back too", async () => {
    const before = await context.handle.query(sql`SELECT * FROM job_metrics_by_bot ORDER BY 1`);
    await expect(
      context.db.transaction(async (tx) => {
        await tx.execute(sql`DELETE FROM jobs`);
        throw new Error("abandon");
      }),
    ).rejects.toThrow("abandon");
    expect(await context.handle.query(sql`SELECT * FROM job_metrics_by_bot ORDER BY 1`)).toEqual(
      before,
    );
  });

  it("after TRUNCATE, which fires no row trigger", async () => {
    await context.handle.query(sql`TRUNCATE job_stages`);
    await expectViewsEqualPlain();
    await context.handle.query(sql`TRUNCATE jobs CASCADE`);
    await expectViewsEqualPlain();
    expect(await context.handle.query(sql`SELECT * FROM job_metrics_by_bot`)).toEqual([]);
  });
});
