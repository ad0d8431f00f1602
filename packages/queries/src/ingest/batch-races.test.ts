import { randomUUID } from "node:crypto";
import type { AuditDb, DatabaseHandle } from "@forusbots/db";
import { jobs } from "@forusbots/db/schema";
import { harnessServerUrl, openDatabaseForTest } from "@forusbots/db/testing";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ConflictError } from "../errors.ts";
import { at } from "../testing/audit-database.ts";
import {
  deadlocksOf,
  openRacers,
  raceThroughGate,
  raceWrites,
} from "../testing/racing-connections.ts";
import { expectRollupsEqualPlainAggregates } from "../testing/rollup-consistency.ts";
import { type BatchItem, type BatchReport, writeEvents } from "./write-events.ts";

const onPostgres = harnessServerUrl() !== undefined;
const how = onPostgres
  ? "on separate PostgreSQL connections released together"
  : "sequential on PGlite (one connection, the batches queue)";

const iso = (date: Date) => date.toISOString();
const numbered = (events: unknown[]): BatchItem[] =>
  events.map((event, index) => ({ position: index + 1, event }));

/** Job ids in the order PostgreSQL sorts them, so a test can name "the first" and "the second". */
const sortedJobIds = (count: number): string[] =>
  Array.from({ length: count }, () => randomUUID()).sort();

const stage = (jobId: string, stageName: string, minute: number) => ({
  type: "stage",
  jobId,
  stageName,
  startedAt: iso(at(minute)),
  endedAt: iso(at(minute, 30)),
  status: "succeed",
});

async function storedJobs(db: AuditDb) {
  return db
    .select({
      job_id: jobs.jobId,
      state: jobs.state,
      started_at: jobs.startedAt,
      finished_at: jobs.finishedAt,
    })
    .from(jobs)
    .orderBy(jobs.jobId);
}

async function storedStages(handle: DatabaseHandle) {
  return handle.query<{ job_id: string; stage_name: string; copies: number }>(
    sql`SELECT job_id, stage_name, count(*)::int AS copies FROM job_stages
        GROUP BY 1, 2 ORDER BY 1, 2`,
  );
}

describe(`two writeEvents batches over the same new jobs, ${how}`, () => {
  it("each event is applied by exactly one batch; the rows are whole and the rollups exact", async () => {
    const setup = await openDatabaseForTest();
    const jobIds = sortedJobIds(4);
    const [, contested] = jobIds;
    // Both batches carry every job's whole lifecycle: the same acceptance, start, "login" stage
    // and (but for one job) finish, plus a stage only that batch has.
    const lifecycleBatch = (check: string, contestedFinish: "failed" | "succeeded") =>
      numbered(
        jobIds.flatMap((jobId) => [
          { type: "job.accepted", jobId, botId: "bot-batch", at: iso(at(0)) },
          { type: "job.started", jobId, at: iso(at(1)) },
          stage(jobId, "login", 1),
          stage(jobId, check, 2),
          {
            type: "job.finished",
            jobId,
            state: jobId === contested ? contestedFinish : "succeeded",
            at: iso(at(5)),
          },
        ]),
      );
    const batches = [lifecycleBatch("a-check", "failed"), lifecycleBatch("b-check", "succeeded")];
    const results = await raceWrites({
      setup,
      count: 2,
      // Uncommitted rows with the jobs' keys hold both batches' INSERTs until rolled back.
      hold: sql`INSERT INTO jobs (job_id, bot_id, state, accepted_at)
                SELECT id::uuid, 'gate', 'queued', ${iso(at(0))}::timestamptz
                FROM unnest(${`{${jobIds.join(",")}}`}::text[]) AS id`,
      release: "rollback",
      write: (db, batch) => writeEvents(db, batches[batch] ?? []),
    });
    const reports = results.map((result) => {
      if (result.status === "rejected") throw result.reason;
      return result.value;
    });
    // Worked out per event: 20 in each batch. Whichever batch writes a job first stores its five
    // events; the other stores only its own check stage, finds four events already there, and
    // for the contested job is refused the other final state.
    expect(reports.reduce((sum, report) => sum + report.stored, 0)).toBe(20 + 4);
    expect(reports.reduce((sum, report) => sum + report.unchanged, 0)).toBe(4 * 4 - 1);
    const rejected = reports.flatMap((report) => report.rejected);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.error).toBeInstanceOf(ConflictError);
    // The contested finish's line: job 2's fifth event.
    expect(rejected[0]?.position).toBe(10);
    const refusedIn = reports.findIndex((report) => report.rejected.length === 1);
    const contestedState = refusedIn === 0 ? "succeeded" : "failed";

    expect(await storedJobs(setup.db)).toEqual(
      jobIds.map((jobId) => ({
        job_id: jobId,
        state: jobId === contested ? contestedState : "succeeded",
        started_at: at(1),
        finished_at: at(5),
      })),
    );
    expect(await storedStages(setup.handle)).toEqual(
      jobIds.flatMap((jobId) =>
        ["a-check", "b-check", "login"].map((stageName) => ({
          job_id: jobId,
          stage_name: stageName,
          copies: 1,
        })),
      ),
    );
    await expectRollupsEqualPlainAggregates(setup.handle);
  });
});

describe("two writeEvents batches locking the same jobs in opposite orders", () => {
  it.skipIf(!onPostgres)(
    "take turns under the rollup writers' lock: no deadlock, every event stored once (skipped on PGlite: one connection cannot deadlock)",
    async () => {
      const setup = await openDatabaseForTest();
      const [first, second] = sortedJobIds(2);
      if (first === undefined || second === undefined) throw new Error("two job ids expected");
      for (const jobId of [first, second]) {
        await writeEvents(
          setup.db,
          numbered([
            { type: "job.accepted", jobId, botId: "bot-deadlock", at: iso(at(0)) },
            { type: "job.started", jobId, at: iso(at(1)) },
          ]),
        );
      }
      // A test-only trigger in this test's database: each job row an UPDATE has locked is held
      // for 300 ms, so a batch would hold its first job while it asks for its second; a sequence,
      // which no rollback takes back, counts the rows updated, those of an aborted attempt too.
      await setup.handle.query(sql`CREATE SEQUENCE updated_jobs`);
      await setup.handle.query(sql`
        CREATE FUNCTION hold_each_updated_job() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM nextval('updated_jobs'), pg_sleep(0.3); RETURN NEW; END $$`);
      await setup.handle.query(sql`
        CREATE TRIGGER hold_each_updated_job BEFORE UPDATE ON jobs
        FOR EACH ROW EXECUTE FUNCTION hold_each_updated_job()`);
      const finish = (jobId: string) => ({
        type: "job.finished",
        jobId,
        state: "succeeded",
        at: iso(at(5)),
      });
      // The same two finishes in opposite orders (the UPDATE locks rows in its rows' order),
      // and a stage each that only one batch holds: the second batch must still store its own.
      const batches = [
        numbered([finish(first), finish(second), stage(first, "a", 2), stage(second, "a", 2)]),
        numbered([finish(second), finish(first), stage(first, "b", 3), stage(second, "b", 3)]),
      ];
      const deadlocksBefore = await deadlocksOf(setup.handle);
      const [gate, ...racers] = await openRacers(setup.database, 3);
      if (gate === undefined) throw new Error("no connection was opened for the gate");
      const results = await raceThroughGate<BatchReport>({
        gate: gate.handle,
        // One batch waits here for its first job, the other for the rollup writers' lock the
        // first holds: the gate's commit releases the first, the first's commit the second.
        hold: sql`SELECT 1 FROM jobs WHERE job_id IN (${first}, ${second}) FOR UPDATE`,
        release: "commit",
        observer: setup.handle,
        racers,
        write: (racer, batch) => writeEvents(racer.handle.db, batches[batch] ?? []),
      });
      const reports = results.map((result) => {
        if (result.status === "rejected") throw result.reason;
        return result.value;
      });
      await Promise.all([gate, ...racers].map(({ handle }) => handle.close()));
      // Two rows updated, by whichever batch went first: the second found both jobs finished.
      // A deadlock would have updated a row in the aborted attempt too.
      const [updated] = await setup.handle.query<{ rows: number }>(
        sql`SELECT last_value::int AS rows FROM updated_jobs`,
      );
      expect(updated).toEqual({ rows: 2 });
      expect(await deadlocksOf(setup.handle)).toBe(deadlocksBefore);

      // Two finishes stored once and found unchanged once; four stages stored.
      expect(reports.reduce((sum, report) => sum + report.stored, 0)).toBe(2 + 4);
      expect(reports.reduce((sum, report) => sum + report.unchanged, 0)).toBe(2);
      expect(reports.flatMap((report) => report.rejected)).toEqual([]);
      expect(await storedJobs(setup.db)).toEqual(
        [first, second].map((jobId) => ({
          job_id: jobId,
          state: "succeeded",
          started_at: at(1),
          finished_at: at(5),
        })),
      );
      expect(await storedStages(setup.handle)).toEqual(
        [first, second].flatMap((jobId) =>
          ["a", "b"].map((stageName) => ({ job_id: jobId, stage_name: stageName, copies: 1 })),
        ),
      );
      await expectRollupsEqualPlainAggregates(setup.handle);
    },
  );
});
