import { type SQL, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createRandom } from "../seeded-random.ts";
import { useAuditDatabase } from "../testing/audit-database.ts";
import { getBotMetrics } from "./bot-metrics.ts";
import {
  readBotPercentilesAllTime,
  readStagePercentilesAllTime,
  shareWalks,
} from "./duration-percentiles.ts";
import { getStageSummary } from "./stage-summary.ts";

const context = useAuditDatabase();

const START = Date.UTC(2026, 2, 1);
const HOUR_MS = 3_600_000;
const STAGE_NAMES = ["fetch", "parse", "deliver", "notify"];

/**
 * Random jobs over 48 hours: bots of very different sizes (one timed job, two, a few hundred),
 * durations with many ties (whole seconds) and sub-millisecond parts, jobs without a duration;
 * stages with the same variety, one stage name never ended.
 */
beforeAll(async () => {
  const random = createRandom(20261202);
  const jobRows: SQL[] = [];
  const stageRows: SQL[] = [];
  const bots = [
    { botId: "one", jobs: 1 },
    { botId: "two", jobs: 2 },
    { botId: "many", jobs: 400 },
    { botId: "ties", jobs: 150 },
    { botId: "untimed", jobs: 5 },
  ];
  for (const { botId, jobs } of bots) {
    for (let n = 0; n < jobs; n++) {
      const jobId = random.uuid();
      const accepted = START + random.int(0, 48 * HOUR_MS - 1);
      const timed = botId !== "untimed" && (jobs <= 2 || random.chance(0.85));
      const duration =
        botId === "ties" ? random.int(1, 5) * 1000 : random.int(0, 90_000) + random.next();
      const iso = (ms: number) => new Date(ms).toISOString();
      // Microseconds beyond the millisecond: written as a fraction of a second in SQL.
      const finished = timed
        ? sql`${iso(accepted)}::timestamptz + ${duration / 1000} * interval '1 second'`
        : sql`NULL`;
      jobRows.push(
        sql`(${jobId}::uuid, ${botId}, ${timed ? "succeeded" : "running"}, ${iso(accepted)}::timestamptz, ${iso(accepted)}::timestamptz, ${finished})`,
      );
      for (const stageName of STAGE_NAMES.slice(0, random.int(1, 4))) {
        const ended = stageName !== "notify" && random.chance(0.9);
        const ms = stageName === "parse" ? random.int(0, 3) : random.int(0, 20_000);
        stageRows.push(
          sql`(${jobId}::uuid, ${stageName}, ${iso(accepted)}::timestamptz, ${ended ? sql`${iso(accepted + ms)}::timestamptz` : sql`NULL`}, 'succeed')`,
        );
      }
    }
  }
  await context.handle.query(sql`
    INSERT INTO jobs (job_id, bot_id, state, accepted_at, started_at, finished_at)
    VALUES ${sql.join(jobRows, sql`, `)}`);
  await context.handle.query(sql`
    INSERT INTO job_stages (job_id, stage_name, started_at, ended_at, status)
    VALUES ${sql.join(stageRows, sql`, `)}`);
});

type Expected = {
  key: string;
  p50: number | null;
  p95: number | null;
};

/** percentile_cont over the base table, grouped by `key`, as PostgreSQL itself computes it. */
const percentilesOverBaseTable = (statement: SQL) =>
  context.handle.query<Expected>(sql`SELECT * FROM (${statement}) AS r ORDER BY key COLLATE "C"`);

const botReference = (where: SQL) =>
  percentilesOverBaseTable(sql`
    SELECT bot_id AS key,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) / 1000.0 AS p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) / 1000.0 AS p95
    FROM jobs WHERE ${where} GROUP BY bot_id`);

const stageReference = (where: SQL) =>
  percentilesOverBaseTable(sql`
    SELECT stage_name AS key,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95
    FROM job_stages WHERE ${where} GROUP BY stage_name`);

const botFigures = async (filter: Parameters<typeof getBotMetrics>[1]) =>
  (await getBotMetrics(context.db, filter)).map((row) => ({
    key: row.botId,
    p50: row.p50DurationSeconds,
    p95: row.p95DurationSeconds,
  }));

const stageFigures = async (filter: Parameters<typeof getStageSummary>[1]) =>
  (await getStageSummary(context.db, filter)).map((row) => ({
    key: row.stageName,
    p50: row.p50DurationMs,
    p95: row.p95DurationMs,
  }));

const untimed = (key: string) => ({ key, p50: null, p95: null });

describe("percentiles equal percentile_cont over the base table, on random data", () => {
  it("per bot, all time (the index walk), including bots of one and two timed jobs", async () => {
    const expected = await botReference(sql`duration_ms IS NOT NULL`);
    expect(expected.map((row) => row.key)).toEqual(["many", "one", "ties", "two"]);
    expect(await botFigures({})).toEqual([...expected, untimed("untimed")]);
    expect(await botFigures({ botId: "ties" })).toEqual(
      expected.filter((row) => row.key === "ties"),
    );
  });

  it("per stage, all time (the index walk), a stage never ended having none", async () => {
    const expected = await stageReference(sql`duration_ms IS NOT NULL`);
    expect(await stageFigures({})).toEqual(
      [...expected, untimed("notify")].sort((a, b) => (a.key < b.key ? -1 : 1)),
    );
    expect(await stageFigures({ stageName: "parse" })).toEqual(
      expected.filter((row) => row.key === "parse"),
    );
  });

  it("over a range on whole hours and over a range that cuts hours", async () => {
    for (const [from, to] of [
      [START + 5 * HOUR_MS, START + 29 * HOUR_MS],
      [START + 5 * HOUR_MS + 1234, START + 29 * HOUR_MS - 98_765],
    ] as const) {
      const range = { from: new Date(from), to: new Date(to) };
      const inRange = (column: SQL) =>
        sql`${column} >= ${range.from.toISOString()} AND ${column} < ${range.to.toISOString()}`;
      const bots = await botReference(
        sql`duration_ms IS NOT NULL AND ${inRange(sql`accepted_at`)}`,
      );
      const botRows = await botFigures(range);
      expect(botRows.filter((row) => row.p50 !== null)).toEqual(bots);
      const stages = await stageReference(
        sql`duration_ms IS NOT NULL AND ${inRange(sql`started_at`)}`,
      );
      const stageRows = await stageFigures(range);
      expect(stageRows.filter((row) => row.p50 !== null)).toEqual(stages);
    }
  });

  it("of one bot's stages", async () => {
    const expected = await stageReference(
      sql`duration_ms IS NOT NULL AND job_id IN (SELECT job_id FROM jobs WHERE bot_id = 'many')`,
    );
    const rows = await stageFigures({ botId: "many" });
    expect(rows.filter((row) => row.p50 !== null)).toEqual(expected);
  });
});

describe("the walks shared among statements sent at once", () => {
  it("gives each statement about as long a walk, the largest counts first", () => {
    const keys = [
      { key: "a", count: 10 },
      { key: "b", count: 1 },
      { key: "c", count: 9 },
      { key: "d", count: 4 },
      { key: "e", count: 5 },
    ];
    // By hand: a (10) and c (9) open the two shares; e (5) joins c (14), d (4) joins a (14); b (1)
    // joins the first of the two equal shares.
    expect(shareWalks(keys, 2)).toEqual([
      ["a", "d", "b"],
      ["c", "e"],
    ]);
    expect(shareWalks(keys.slice(0, 2), 4)).toEqual([["a"], ["b"]]);
    expect(shareWalks([], 4)).toEqual([]);
  });

  it("reads the same bot percentiles as percentile_cont when the keys are shared among 1, 2 or 3 statements", async () => {
    // Milliseconds here: the reads below are the ones bot and stage metrics are built from.
    const botsInMs = await percentilesOverBaseTable(sql`
      SELECT bot_id AS key,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95
      FROM jobs WHERE duration_ms IS NOT NULL GROUP BY bot_id`);
    const asRows = (read: Map<string, { p50: number | null; p95: number | null }>) =>
      [...read.entries()]
        .map(([key, figures]) => ({ key, ...figures }))
        .sort((a, b) => (a.key < b.key ? -1 : 1));
    for (const statements of [1, 2, 3]) {
      const sharing = { statements, fromDurations: 0 };
      expect(asRows(await readBotPercentilesAllTime(context.db, undefined, sharing))).toEqual(
        botsInMs,
      );
    }
  });
});

describe("stage percentiles through the duration buckets", () => {
  /** Durations at and around bucket edges (2^k, 2^k ± 1, under 16), and the largest a run has. */
  const EDGES = [0, 1, 15, 16, 17, 18, 31, 32, 120, 127, 128, 129, 1023, 1024, 1025, 9216, 10_100];
  const LONGEST = 2 ** 31 - 1;

  /**
   * Stages of 1 to 40 runs (every fraction position, whole and between two runs, and positions
   * whose neighbours lie in two buckets) and three of 1,500 runs: one with few distinct
   * durations (long ties inside a bucket), one spread from 0 to 100 s, one with the longest run.
   */
  beforeAll(async () => {
    const random = createRandom(20261203);
    const jobId = random.uuid();
    await context.handle.query(sql`
      INSERT INTO jobs (job_id, bot_id, state, accepted_at) VALUES (${jobId}, 'buckets', 'queued', ${new Date(START).toISOString()})`);
    const stages: { name: string; ms: number }[] = [];
    const pick = () =>
      random.chance(0.5) ? (EDGES[random.int(0, EDGES.length - 1)] ?? 0) : random.int(0, 100_000);
    for (let size = 1; size <= 40; size++) {
      for (let n = 0; n < size; n++) stages.push({ name: `b-${size}`, ms: pick() });
    }
    for (let n = 0; n < 1500; n++) {
      stages.push({ name: "b-ties", ms: 1000 * random.int(1, 4) });
      stages.push({ name: "b-spread", ms: random.int(0, 100_000) });
      stages.push({ name: "b-longest", ms: n === 0 ? LONGEST : pick() });
    }
    // Each run its own start, so that none is a replay of another.
    const rows = stages.map(
      ({ name, ms }, n) =>
        sql`(${jobId}::uuid, ${name}, ${new Date(START + n).toISOString()}::timestamptz, ${new Date(START + n + ms).toISOString()}::timestamptz, 'succeed')`,
    );
    for (let from = 0; from < rows.length; from += 1000) {
      await context.handle.query(sql`
        INSERT INTO job_stages (job_id, stage_name, started_at, ended_at, status)
        VALUES ${sql.join(rows.slice(from, from + 1000), sql`, `)}`);
    }
  });

  const bucketed = sql`stage_name LIKE 'b-%' AND duration_ms IS NOT NULL`;
  const readAll = async () =>
    [...(await readStagePercentilesAllTime(context.db, undefined)).entries()]
      .map(([key, figures]) => ({ key, ...figures }))
      .filter((row) => row.key.startsWith("b-"))
      .sort((a, b) => (a.key < b.key ? -1 : 1));

  it("equal percentile_cont for every stage size, edge durations and the longest run", async () => {
    const expected = await stageReference(bucketed);
    expect(expected).toHaveLength(43);
    expect(await readAll()).toEqual(expected);
    const [longest] = await stageReference(
      sql`stage_name = 'b-longest' AND duration_ms IS NOT NULL`,
    );
    expect(await readStagePercentilesAllTime(context.db, "b-longest")).toEqual(
      new Map([["b-longest", { p50: longest?.p50, p95: longest?.p95 }]]),
    );
  });

  it("still equal percentile_cont once runs are deleted (emptied buckets) and moved to other buckets", async () => {
    await context.handle.query(
      sql`DELETE FROM job_stages WHERE stage_name LIKE 'b-%' AND id % 3 = 0`,
    );
    await context.handle.query(sql`
      UPDATE job_stages SET ended_at = started_at + (duration_ms * 7 + 3) * interval '1 ms'
      WHERE stage_name LIKE 'b-%' AND id % 5 = 0 AND duration_ms < 100000000`);
    await context.handle.query(sql`
      UPDATE job_stages SET ended_at = NULL WHERE stage_name LIKE 'b-%' AND id % 11 = 0`);
    const [emptied] = await context.handle.query<{ rows: number }>(sql`
      SELECT count(*)::int AS rows FROM (
        SELECT FROM stage_totals WHERE stage_name LIKE 'b-%'
        GROUP BY stage_name, duration_floor_ms HAVING sum(timed_runs) = 0) AS emptied_buckets`);
    expect(emptied?.rows).toBeGreaterThan(0);
    expect(await readAll()).toEqual(await stageReference(bucketed));
  });
});
