import { randomUUID } from "node:crypto";
import { jobStages, jobs, MAX_DURATION_MS } from "@forusbots/db/schema";
import { asc, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import { at, statementLoggingDatabase, useAuditDatabase } from "../testing/audit-database.ts";
import { type BatchItem, writeEvents } from "./write-events.ts";

const context = useAuditDatabase();

/** Items numbered from line 1, as the CLI numbers the lines of a file. */
const numbered = (events: unknown[]): BatchItem[] =>
  events.map((event, index) => ({ position: index + 1, event }));

const iso = (date: Date) => date.toISOString();

async function storedJob(jobId: string) {
  const [row] = await context.db.select().from(jobs).where(eq(jobs.jobId, jobId));
  return row;
}

/**
 * A batch with good, repeated and bad events, over jobs of its own (new ids on every call, so a
 * test that writes it reads nothing another test wrote), and the refusals it must draw.
 */
function mixedBatch() {
  const A = randomUUID();
  const B = randomUUID();
  const C = randomUUID();
  const X = randomUUID();
  const items = numbered([
    /* 1 */ { type: "job.accepted", jobId: A, botId: "bot-1", at: iso(at(0)) },
    /* 2 */ { type: "job.started", jobId: A, at: iso(at(1)) },
    /* 3 */ {
      type: "stage",
      jobId: A,
      stageName: "login",
      startedAt: iso(at(1)),
      endedAt: iso(at(1, 30)),
      status: "succeed",
    },
    /* 4 */ {
      type: "stage",
      jobId: A,
      stageName: "fill-form",
      startedAt: iso(at(2)),
      endedAt: iso(at(3)),
      status: "fail",
      error: { code: "E1" },
    },
    /* 5 */ { type: "job.finished", jobId: A, state: "succeeded", at: iso(at(4)) },
    /* 6 */ { type: "job.accepted", jobId: B, botId: "bot-2", at: iso(at(0)) },
    /* 7 */ { type: "job.finished", jobId: B, state: "canceled", at: iso(at(1)) },
    /* 8 */ { type: "job.started", jobId: "nope", at: iso(at(1)) },
    /* 9 */ { type: "job.paused", jobId: A },
    /* 10 */ {
      type: "stage",
      jobId: X,
      stageName: "login",
      startedAt: iso(at(1)),
      endedAt: iso(at(2)),
      status: "fail",
    },
    /* 11 */ { type: "job.accepted", jobId: C, botId: "bot-1", at: iso(at(5)) },
    /* 12 */ { type: "job.finished", jobId: C, state: "succeeded", at: iso(at(6)) },
    /* 13 */ { type: "job.started", jobId: C, at: iso(at(4)) },
    /* 14 */ { type: "job.accepted", jobId: A, botId: "bot-9", at: iso(at(0)) },
    /* 15 */ {
      type: "stage",
      jobId: A,
      stageName: "login",
      startedAt: iso(at(1)),
      endedAt: iso(at(1, 30)),
      status: "succeed",
    },
  ]);
  const rejections = [
    { position: 8, reason: "jobId: not a UUID", type: ValidationError },
    {
      position: 9,
      reason:
        'type: unknown event type "job.paused" (expected one of job.accepted, job.started, stage, job.finished)',
      type: ValidationError,
    },
    { position: 10, reason: `jobId: no job ${X} has been accepted`, type: NotFoundError },
    {
      position: 12,
      reason: `state: job ${C} has not started: a queued job can only be canceled`,
      type: ConflictError,
    },
    {
      position: 13,
      reason: `at: before the job was accepted (${iso(at(5))})`,
      type: ValidationError,
    },
    {
      position: 14,
      reason: `botId: job ${A} was already accepted for bot "bot-1"`,
      type: ConflictError,
    },
  ];
  return { A, B, C, X, items, rejections };
}

describe("the batch path", () => {
  it("stores every valid event of a mixed batch and reports each bad one by position", async () => {
    const { A, B, C, X, items, rejections } = mixedBatch();
    const report = await writeEvents(context.db, items);
    // Stored: 1-7 but 8-10 are bad, and 11. Line 15 repeats line 3.
    expect(report.stored).toBe(8);
    expect(report.unchanged).toBe(1);
    expect(
      report.rejected.map(({ position, reason, error }) => ({
        position,
        reason,
        type: error.constructor,
      })),
    ).toEqual(rejections);

    expect(await storedJob(A)).toMatchObject({
      botId: "bot-1",
      state: "succeeded",
      startedAt: at(1),
      finishedAt: at(4),
      durationMs: 180_000,
    });
    expect(await storedJob(B)).toMatchObject({ state: "canceled", startedAt: null });
    expect(await storedJob(C)).toMatchObject({ state: "queued", startedAt: null });
    expect(await storedJob(X)).toBeUndefined();
    const stages = await context.db
      .select()
      .from(jobStages)
      .where(eq(jobStages.jobId, A))
      .orderBy(asc(jobStages.startedAt));
    expect(
      stages.map(({ stageName, status, durationMs, error }) => [
        stageName,
        status,
        durationMs,
        error,
      ]),
    ).toEqual([
      ["login", "succeed", 30_000, null],
      ["fill-form", "fail", 60_000, { code: "E1" }],
    ]);
  });

  it("writing the same batch again changes nothing and reports the same refusals", async () => {
    const { A, items, rejections } = mixedBatch();
    await writeEvents(context.db, items);
    const report = await writeEvents(context.db, items);
    // Every event stored the first time, and the repeated stage, is now a replay.
    expect(report.stored).toBe(0);
    expect(report.unchanged).toBe(9);
    expect(report.rejected.map(({ position, reason }) => ({ position, reason }))).toEqual(
      rejections.map(({ position, reason }) => ({ position, reason })),
    );
    expect(await storedJob(A)).toMatchObject({ state: "succeeded", finishedAt: at(4) });
  });

  it("takes a job's events in any order within one batch", async () => {
    const D = randomUUID();
    const report = await writeEvents(
      context.db,
      numbered([
        { type: "job.finished", jobId: D, state: "failed", at: iso(at(3)), errorMessage: "boom" },
        {
          type: "stage",
          jobId: D,
          stageName: "login",
          startedAt: iso(at(2)),
          endedAt: iso(at(2, 30)),
          status: "fail",
        },
        { type: "job.started", jobId: D, at: iso(at(1)) },
        { type: "job.accepted", jobId: D, botId: "bot-3", at: iso(at(0)) },
      ]),
    );
    expect(report).toEqual({ stored: 4, unchanged: 0, rejected: [] });
    expect(await storedJob(D)).toMatchObject({ state: "failed", errorMessage: "boom" });
  });

  it("keeps the first of two finishes of one job in a batch and refuses the other", async () => {
    const E = randomUUID();
    const report = await writeEvents(
      context.db,
      numbered([
        { type: "job.accepted", jobId: E, botId: "bot-3", at: iso(at(0)) },
        { type: "job.started", jobId: E, at: iso(at(1)) },
        { type: "job.finished", jobId: E, state: "succeeded", at: iso(at(2)) },
        { type: "job.finished", jobId: E, state: "failed", at: iso(at(2)) },
      ]),
    );
    expect(report.stored).toBe(3);
    expect(report.rejected.map(({ position, reason }) => [position, reason])).toEqual([
      [4, `state: job ${E} already finished as succeeded at ${iso(at(2))}`],
    ]);
  });

  it("applies the state machine to a new job's steps as the UPDATEs would", async () => {
    const [H, I, J, K] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const tooLate = new Date(at(1).getTime() + MAX_DURATION_MS + 1);
    const report = await writeEvents(
      context.db,
      numbered([
        // 1-3: a start before the acceptance is refused; the cancel from the queue stands.
        { type: "job.accepted", jobId: H, botId: "bot-4", at: iso(at(5)) },
        { type: "job.started", jobId: H, at: iso(at(4)) },
        { type: "job.finished", jobId: H, state: "canceled", at: iso(at(6)) },
        // 4-6: a finish before the start is refused; the start stands.
        { type: "job.accepted", jobId: I, botId: "bot-4", at: iso(at(0)) },
        { type: "job.started", jobId: I, at: iso(at(2)) },
        { type: "job.finished", jobId: I, state: "failed", at: iso(at(1)) },
        // 7-8: a job that never started cannot succeed.
        { type: "job.accepted", jobId: J, botId: "bot-4", at: iso(at(0)) },
        { type: "job.finished", jobId: J, state: "succeeded", at: iso(at(1)) },
        // 9-11: a run longer than duration_ms holds is refused.
        { type: "job.accepted", jobId: K, botId: "bot-4", at: iso(at(0)) },
        { type: "job.started", jobId: K, at: iso(at(1)) },
        { type: "job.finished", jobId: K, state: "succeeded", at: iso(tooLate) },
      ]),
    );
    expect(report.stored).toBe(7);
    expect(report.rejected.map(({ position, reason }) => [position, reason])).toEqual([
      [2, `at: before the job was accepted (${iso(at(5))})`],
      [6, `at: before the job started (${iso(at(2))})`],
      [8, `state: job ${J} has not started: a queued job can only be canceled`],
      [
        11,
        `at: the job lasts ${MAX_DURATION_MS + 1} ms, more than duration_ms holds (${MAX_DURATION_MS} ms, about 24.8 days)`,
      ],
    ]);
    expect(await storedJob(H)).toMatchObject({ state: "canceled", startedAt: null });
    expect(await storedJob(I)).toMatchObject({ state: "running", startedAt: at(2) });
    expect(await storedJob(J)).toMatchObject({ state: "queued" });
    expect(await storedJob(K)).toMatchObject({ state: "running", finishedAt: null });
  });

  it("moves a job accepted in an earlier batch with the steps of a later one", async () => {
    const L = randomUUID();
    await writeEvents(
      context.db,
      numbered([{ type: "job.accepted", jobId: L, botId: "bot-5", at: iso(at(0)) }]),
    );
    const report = await writeEvents(
      context.db,
      numbered([
        { type: "job.accepted", jobId: L, botId: "bot-5", at: iso(at(0)) },
        { type: "job.started", jobId: L, at: iso(at(1)) },
        { type: "job.finished", jobId: L, state: "succeeded", at: iso(at(2)) },
      ]),
    );
    expect(report).toEqual({ stored: 2, unchanged: 1, rejected: [] });
    expect(await storedJob(L)).toMatchObject({ state: "succeeded", durationMs: 60_000 });
  });

  it("writes a replayed acceptance's start before a finish that could not ride with it", async () => {
    const M = randomUUID();
    await writeEvents(
      context.db,
      numbered([{ type: "job.accepted", jobId: M, botId: "bot-5", at: iso(at(0)) }]),
    );
    // One at a time in lifecycle order: the start applies (queued → running at minute 2), so
    // the cancel at minute 1 comes before the start and is refused. Written the other way round
    // the cancel would have applied to the queued job and the start been refused.
    const report = await writeEvents(
      context.db,
      numbered([
        { type: "job.accepted", jobId: M, botId: "bot-5", at: iso(at(0)) },
        { type: "job.started", jobId: M, at: iso(at(2)) },
        { type: "job.finished", jobId: M, state: "canceled", at: iso(at(1)) },
      ]),
    );
    expect(report.stored).toBe(1);
    expect(report.unchanged).toBe(1);
    expect(report.rejected.map(({ position, reason }) => [position, reason])).toEqual([
      [3, `at: before the job started (${iso(at(2))})`],
    ]);
    expect(await storedJob(M)).toMatchObject({ state: "running", startedAt: at(2) });
  });

  it("stores the new stages of a job whose acceptance is replayed in the batch", async () => {
    const N = randomUUID();
    await writeEvents(
      context.db,
      numbered([
        { type: "job.accepted", jobId: N, botId: "bot-6", at: iso(at(0)) },
        { type: "job.started", jobId: N, at: iso(at(1)) },
      ]),
    );
    const login = {
      type: "stage",
      jobId: N,
      stageName: "login",
      startedAt: iso(at(1)),
      endedAt: iso(at(2)),
      status: "succeed",
    };
    const report = await writeEvents(
      context.db,
      numbered([
        { type: "job.accepted", jobId: N, botId: "bot-6", at: iso(at(0)) },
        login,
        login,
        { type: "job.finished", jobId: N, state: "succeeded", at: iso(at(3)) },
      ]),
    );
    // The acceptance and the second copy of the stage change nothing; the stage and the finish do.
    expect(report).toEqual({ stored: 2, unchanged: 2, rejected: [] });
    const stages = await context.db.select().from(jobStages).where(eq(jobStages.jobId, N));
    expect(stages).toHaveLength(1);
    expect(stages[0]).toMatchObject({ stageName: "login", durationMs: 60_000 });
    expect(await storedJob(N)).toMatchObject({ state: "succeeded", durationMs: 120_000 });
  });

  it("reports an empty batch as nothing done", async () => {
    expect(await writeEvents(context.db, [])).toEqual({ stored: 0, unchanged: 0, rejected: [] });
  });
});

describe("round trips", () => {
  /** 100 jobs × (accept, start, 3 stages, finish): 600 events. */
  function bigBatch(): BatchItem[] {
    const events: unknown[] = [];
    for (let job = 0; job < 100; job++) {
      const jobId = randomUUID();
      events.push({ type: "job.accepted", jobId, botId: `bot-${job % 5}`, at: iso(at(job)) });
      events.push({ type: "job.started", jobId, at: iso(at(job + 1)) });
      for (const [offset, stageName] of ["login", "fill-form", "submit"].entries()) {
        events.push({
          type: "stage",
          jobId,
          stageName,
          startedAt: iso(at(job + 1, offset * 10)),
          endedAt: iso(at(job + 1, offset * 10 + 5)),
          status: "succeed",
        });
      }
      events.push({ type: "job.finished", jobId, state: "succeeded", at: iso(at(job + 2)) });
    }
    return numbered(events);
  }

  it("are one statement per event kind, whatever the batch size", async () => {
    const { db, sent } = await statementLoggingDatabase(context.handle);
    const batch = bigBatch();
    // On PostgreSQL each transaction first takes the rollup writers' lock, in a statement of its
    // own; PGlite runs one transaction at a time and needs none.
    const lock = context.handle.driver.engine === "postgres" ? 1 : 0;
    expect(await writeEvents(db, batch)).toEqual({ stored: 600, unchanged: 0, rejected: [] });
    // New jobs: one statement inserts each whole lifecycle and, with it, the new jobs' stages;
    // nothing to classify.
    expect(sent).toHaveLength(lock + 1);
    expect(sent.filter((query) => query.includes("pg_advisory_xact_lock"))).toHaveLength(lock);

    sent.length = 0;
    expect(await writeEvents(db, batch)).toEqual({ stored: 0, unchanged: 600, rejected: [] });
    // The jobs exist: the INSERT, the starts' UPDATE, the stages' INSERT and the finishes'
    // UPDATE change nothing, then one read of the jobs and one of the stages classify.
    expect(sent).toHaveLength(lock + 6);
  });
});

describe("a constraint the validation does not know", () => {
  it("rejects the event it refuses and still stores the rest of the batch", async () => {
    // Stands for a rule added by a later migration: the batch statement fails as a whole, and
    // the events are then written one by one to single out the one the database refuses.
    await context.db.execute(
      sql`ALTER TABLE jobs ADD CONSTRAINT ck_test_forbidden_bot CHECK (bot_id <> 'bot-forbidden')`,
    );
    try {
      const F = randomUUID();
      const G = randomUUID();
      const report = await writeEvents(
        context.db,
        numbered([
          { type: "job.accepted", jobId: F, botId: "bot-allowed", at: iso(at(0)) },
          { type: "job.accepted", jobId: G, botId: "bot-forbidden", at: iso(at(0)) },
          { type: "job.started", jobId: F, at: iso(at(1)) },
        ]),
      );
      expect(report.stored).toBe(2);
      expect(report.rejected).toHaveLength(1);
      expect(report.rejected[0]?.position).toBe(2);
      expect(report.rejected[0]?.error).toBeInstanceOf(ValidationError);
      expect(report.rejected[0]?.reason).toMatch(/^ck_test_forbidden_bot: refused by the database/);
      expect(await storedJob(F)).toMatchObject({ state: "running" });
      expect(await storedJob(G)).toBeUndefined();
    } finally {
      await context.db.execute(sql`ALTER TABLE jobs DROP CONSTRAINT ck_test_forbidden_bot`);
    }
  });
});

describe("a statement the database refuses for one event's data", () => {
  /**
   * Makes the database refuse, with `errcode`, every row of jobs or job_stages whose bot or stage
   * is named "poison": a rule only the database knows, as a trigger or a constraint added later
   * would be. Each class stands for refusals the validation cannot foresee.
   */
  async function whilePoisonRefused<T>(errcode: string, work: () => Promise<T>): Promise<T> {
    await context.db.execute(
      sql.raw(`CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF 'poison' IN (to_jsonb(NEW)->>'bot_id', to_jsonb(NEW)->>'stage_name') THEN
            RAISE EXCEPTION 'the row is refused' USING ERRCODE = '${errcode}';
          END IF;
          RETURN NEW;
        END $$`),
    );
    await context.db.execute(sql`CREATE TRIGGER refuse_poison BEFORE INSERT ON jobs
      FOR EACH ROW EXECUTE FUNCTION refuse_poison()`);
    await context.db.execute(sql`CREATE TRIGGER refuse_poison BEFORE INSERT ON job_stages
      FOR EACH ROW EXECUTE FUNCTION refuse_poison()`);
    try {
      return await work();
    } finally {
      await context.db.execute(sql`DROP TRIGGER refuse_poison ON jobs`);
      await context.db.execute(sql`DROP TRIGGER refuse_poison ON job_stages`);
      await context.db.execute(sql`DROP FUNCTION refuse_poison()`);
    }
  }

  /** 30 whole jobs (accepted, started, a stage, finished); job 7's bot and job 21's stage poisoned. */
  function batchWithTwoPoisons() {
    const jobIds = Array.from({ length: 30 }, () => randomUUID());
    // Line order groups events by kind, so that a stage's job is accepted many lines earlier:
    // a split must still write every acceptance before the stages and finishes.
    const events = [
      ...jobIds.map((jobId, n) => ({
        type: "job.accepted",
        jobId,
        botId: n === 7 ? "poison" : `bot-${n % 3}`,
        at: iso(at(0)),
      })),
      ...jobIds.map((jobId) => ({ type: "job.started", jobId, at: iso(at(1)) })),
      ...jobIds.map((jobId, n) => ({
        type: "stage",
        jobId,
        stageName: n === 21 ? "poison" : "login",
        startedAt: iso(at(1)),
        endedAt: iso(at(2)),
        status: "succeed",
      })),
      ...jobIds.map((jobId) => ({
        type: "job.finished",
        jobId,
        state: "succeeded",
        at: iso(at(3)),
      })),
    ];
    return { jobIds, items: numbered(events) };
  }

  it.each([
    ["22023", "a data exception (class 22)"],
    ["23514", "an integrity constraint (class 23)"],
    ["54000", "a program limit, as an index row or a JSON value too large (class 54)"],
    ["P0001", "a trigger's RAISE (class P0)"],
  ])("%s, %s: costs only that event, reported by position", async (errcode) => {
    const { jobIds, items } = batchWithTwoPoisons();
    const report = await whilePoisonRefused(errcode, () => writeEvents(context.db, items));
    // Job 7 (bot "poison"): its acceptance (line 8) is refused, so its start (38), stage (68)
    // and finish (98) find no job. Job 21: only its stage (line 82).
    expect(report.rejected.map(({ position }) => position)).toEqual([8, 38, 68, 82, 98]);
    for (const position of [8, 82]) {
      const { reason } = report.rejected.find((rejection) => rejection.position === position) ?? {};
      expect(reason).toMatch(/refused by the database: the row is refused \(SQLSTATE \w+\)$/);
    }
    expect(report.stored).toBe(120 - 5);
    for (const [n, jobId] of jobIds.entries()) {
      const stored = await storedJob(jobId);
      if (n === 7) expect(stored).toBeUndefined();
      else expect(stored).toMatchObject({ state: "succeeded" });
    }
    const stages = await context.db
      .select({ jobId: jobStages.jobId })
      .from(jobStages)
      .where(sql`${jobStages.jobId} IN ${jobIds}`);
    expect(stages).toHaveLength(28);
  });

  it("a failure that is not about the data still stops the batch, storing none of it", async () => {
    const { jobIds, items } = batchWithTwoPoisons();
    const failure = await whilePoisonRefused("XX001", () => writeEvents(context.db, items)).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(String(failure)).toContain("the row is refused (SQLSTATE XX001)");
    expect(await storedJob(jobIds[0] ?? "")).toBeUndefined();
  });
});
