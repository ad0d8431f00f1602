import { randomUUID } from "node:crypto";
import { DatabaseBusyError } from "@forusbots/db";
import { openDatabaseForTest } from "@forusbots/db/testing";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { AuditEvent } from "../events/schemas.ts";
import { at } from "../testing/audit-database.ts";
import { planWrites } from "./plan-writes.ts";
import { writeInTransaction } from "./write-in-transaction.ts";

const acceptance = (jobId: string): AuditEvent => ({
  type: "job.accepted",
  jobId,
  botId: "bot-tx",
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
});
