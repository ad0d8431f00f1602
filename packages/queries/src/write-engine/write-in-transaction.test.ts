import { randomUUID } from "node:crypto";
import { DatabaseBusyError } from "@forusbots/db";
import { openDatabaseForTest } from "@forusbots/db/testing";
import { sql } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import { ValidationError } from "../errors.ts";
import type { AuditEvent } from "../events/schemas.ts";
import { at } from "../testing/audit-database.ts";
import { deadlocksOf } from "../testing/racing-connections.ts";
import { planWrites } from "./plan-writes.ts";
import { writeInTransaction } from "./write-in-transaction.ts";

const acceptance = (jobId: string, botId = "bot-tx"): AuditEvent => ({
  type: "job.accepted",
  jobId,
  botId,
  at: at(0),
});
const positioned = (...events: AuditEvent[]) => events.map((event, index) => ({ index, event }));

describe("writeInTransaction", () => {
  it("tries a batch three times while it keeps losing to a conflict, then reports busy, storing nothing", async () => {
    const setup = await openDatabaseForTest();
    // Every attempt fails as a serialization failure would; a sequence, which no rollback takes
    // back, counts the attempts.
    await setup.handle.query(sql`CREATE SEQUENCE test_attempts`);
    await setup.handle.query(sql`
      CREATE FUNCTION test_always_conflict() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM nextval('test_attempts');
        RAISE EXCEPTION 'conflict made by the test' USING ERRCODE = '40001';
      END $$`);
    await setup.handle.query(sql`
      CREATE TRIGGER test_always_conflict BEFORE INSERT ON jobs
      FOR EACH STATEMENT EXECUTE FUNCTION test_always_conflict()`);

    const write = writeInTransaction(
      setup.db,
      planWrites(positioned(acceptance(randomUUID()), acceptance(randomUUID()))),
      {},
    );
    await expect(write).rejects.toBeInstanceOf(DatabaseBusyError);
    const [attempts] = await setup.handle.query<{ attempts: number }>(
      sql`SELECT last_value::int AS attempts FROM test_attempts`,
    );
    expect(attempts).toEqual({ attempts: 3 });
    const [stored] = await setup.handle.query<{ jobs: number }>(
      sql`SELECT count(*)::int AS jobs FROM jobs`,
    );
    expect(stored).toEqual({ jobs: 0 });
  });

  it("commits with synchronous_commit on, or off for a batch with waitForFlush false", async () => {
    const setup = await openDatabaseForTest();
    // The setting as the transaction commits: a deferred constraint trigger runs at COMMIT,
    // after every statement of the batch.
    await setup.handle.query(sql`CREATE TABLE test_commit_modes (job_id uuid, mode text)`);
    await setup.handle.query(sql`
      CREATE FUNCTION test_record_commit_mode() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO test_commit_modes VALUES (NEW.job_id, current_setting('synchronous_commit'));
        RETURN NULL;
      END $$`);
    await setup.handle.query(sql`
      CREATE CONSTRAINT TRIGGER test_record_commit_mode AFTER INSERT ON jobs
      DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW EXECUTE FUNCTION test_record_commit_mode()`);

    const [byDefault, notWaiting, waiting] = [randomUUID(), randomUUID(), randomUUID()];
    const write = (jobId: string, options: { waitForFlush?: boolean }) =>
      writeInTransaction(setup.db, planWrites(positioned(acceptance(jobId))), options);
    expect(await write(byDefault, {})).toEqual(new Map([[0, "stored"]]));
    expect(await write(notWaiting, { waitForFlush: false })).toEqual(new Map([[0, "stored"]]));
    expect(await write(waiting, { waitForFlush: true })).toEqual(new Map([[0, "stored"]]));
    const modes = await setup.handle.query<{ job_id: string; mode: string }>(
      sql`SELECT job_id, mode FROM test_commit_modes`,
    );
    expect(new Map(modes.map(({ job_id, mode }) => [job_id, mode]))).toEqual(
      new Map([
        [byDefault, "on"],
        [notWaiting, "off"],
        [waiting, "on"],
      ]),
    );
  });

  it("splits a refused batch in lifecycle order, so a stage never lands in a half before its job", async () => {
    const setup = await openDatabaseForTest();
    // A rule only the database knows: a job of the bot "poison" is refused.
    await setup.handle.query(sql`
      CREATE FUNCTION test_refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.bot_id = 'poison' THEN RAISE EXCEPTION 'the row is refused'; END IF;
        RETURN NEW;
      END $$`);
    await setup.handle.query(sql`
      CREATE TRIGGER test_refuse_poison BEFORE INSERT ON jobs
      FOR EACH ROW EXECUTE FUNCTION test_refuse_poison()`);
    const jobId = randomUUID();
    // In the caller's order the first half would be [stage, poison] and the stage's job would
    // only come in the second half.
    const outcomes = await writeInTransaction(
      setup.db,
      planWrites(
        positioned(
          {
            type: "stage",
            jobId,
            stageName: "login",
            startedAt: at(1),
            endedAt: at(2),
            status: "succeed",
          },
          acceptance(randomUUID(), "poison"),
          acceptance(jobId),
          { type: "job.started", jobId, at: at(1) },
        ),
      ),
      {},
    );
    expect(outcomes.get(0)).toBe("stored");
    const refused = outcomes.get(1);
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused instanceof Error && refused.message).toBe(
      "event: refused by the database: the row is refused (SQLSTATE P0001)",
    );
    expect(outcomes.get(2)).toBe("stored");
    expect(outcomes.get(3)).toBe("stored");
    const [row] = await setup.handle.query<{ jobs: number; stages: number }>(
      sql`SELECT (SELECT count(*)::int FROM jobs) AS jobs,
                 (SELECT count(*)::int FROM job_stages) AS stages`,
    );
    expect(row).toEqual({ jobs: 1, stages: 1 });
  });

  it.skipIf(inject("auditTestDatabase").engine !== "postgres")(
    "concurrent batches that lock the same rollup rows in opposite orders neither deadlock nor lose an event",
    async () => {
      const setup = await openDatabaseForTest();
      const WRITERS = 4;
      const ROUNDS = 8;
      // Each batch accepts a new job with one stage (its rollup row locked by the statement that
      // inserts the job), then records a stage of a job it accepted earlier (locked by the next
      // statement) and finishes that job. Half the writers use "alpha" then "omega", the other
      // half the reverse: batches that lock statement by statement would wait on each other
      // in a cycle.
      const names = (writer: number) =>
        writer % 2 === 0 ? ["alpha", "omega"] : ["omega", "alpha"];
      const earlier = Array.from({ length: WRITERS }, () => randomUUID());
      for (const [writer, jobId] of earlier.entries()) {
        await writeInTransaction(
          setup.db,
          planWrites(
            positioned(acceptance(jobId, `bot-${writer}`), {
              type: "job.started",
              jobId,
              at: at(1),
            }),
          ),
          {},
        );
      }
      const batchOf = (writer: number, round: number, fresh: string, previous: string) => {
        const [first, second] = names(writer);
        return positioned(
          acceptance(fresh, `bot-${writer}`),
          { type: "job.started", jobId: fresh, at: at(1) },
          stage(fresh, first ?? "", round),
          stage(previous, second ?? "", round),
          { type: "job.finished", jobId: previous, state: "succeeded", at: at(20) },
        );
      };
      // A pool of its own, closed before the count: a backend reports its statistics when it ends.
      const writers = await setup.database.open({ maxConnections: WRITERS });
      const before = await deadlocksOf(setup.handle);
      try {
        for (let round = 0; round < ROUNDS; round++) {
          const fresh = earlier.map(() => randomUUID());
          const outcomes = await Promise.all(
            earlier.map((previous, writer) =>
              writeInTransaction(
                writers.db,
                planWrites(batchOf(writer, round, fresh[writer] ?? "", previous)),
                {},
              ),
            ),
          );
          for (const outcome of outcomes) {
            expect([...outcome.values()]).toEqual(Array(5).fill("stored"));
          }
          earlier.splice(0, WRITERS, ...fresh);
        }
      } finally {
        await writers.close();
      }
      expect(await deadlocksOf(setup.handle)).toBe(before);
      const [counts] = await setup.handle.query<{ succeeded: number; stages: number }>(
        sql`SELECT (SELECT count(*)::int FROM jobs WHERE state = 'succeeded') AS succeeded,
                   (SELECT count(*)::int FROM job_stages) AS stages`,
      );
      // Every round finishes the writers' previous jobs and adds two stages per writer.
      expect(counts).toEqual({ succeeded: WRITERS * ROUNDS, stages: 2 * WRITERS * ROUNDS });
      const [rollup] = await setup.handle.query<{ runs: number }>(
        sql`SELECT sum(total_runs)::int AS runs FROM stage_totals`,
      );
      expect(rollup).toEqual({ runs: 2 * WRITERS * ROUNDS });
    },
    60_000,
  );
});

/** A one-minute stage of `jobId`, starting at a minute that differs per round. */
function stage(jobId: string, stageName: string, round: number): AuditEvent {
  return {
    type: "stage",
    jobId,
    stageName,
    startedAt: at(2 + round),
    endedAt: at(3 + round),
    status: "succeed",
  };
}
