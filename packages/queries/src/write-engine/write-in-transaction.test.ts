import { randomUUID } from "node:crypto";
import { DatabaseBusyError } from "@forusbots/db";
import { openDatabaseForTest } from "@forusbots/db/testing";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.ts";
import type { AuditEvent } from "../events/schemas.ts";
import { at } from "../testing/audit-database.ts";
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
    // after every statement of the batch (the SET may reach the server after the first write).
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
});
