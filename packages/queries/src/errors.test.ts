import { randomBytes, randomUUID } from "node:crypto";
import { inspect } from "node:util";
import {
  DatabaseBusyError,
  describeFailure,
  SchemaMissingError,
  translateDriverError,
} from "@forusbots/db";
import { useTestDatabase } from "@forusbots/db/testing";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ConflictError, NotFoundError, translateDatabaseError, ValidationError } from "./errors.ts";
import { writeEvents } from "./ingest/write-events.ts";
import { getBotMetrics } from "./reads/bot-metrics.ts";
import { exportEvents } from "./reads/export-events.ts";
import { getJobWithStages } from "./reads/job-detail.ts";
import { getJobTimeSeries } from "./reads/job-time-series.ts";
import { getRecentJobs } from "./reads/recent-jobs.ts";
import { getStageSummary } from "./reads/stage-summary.ts";
import { acceptJob } from "./recorder/record-event.ts";
import { createAuditRecorder } from "./recorder/recorder.ts";

describe("a database that was never migrated", () => {
  const test = useTestDatabase({ migrated: false });

  const missing = new SchemaMissingError();

  it("makes every write say to run migrate first", async () => {
    const jobId = randomUUID();
    await expect(acceptJob(test.db, { jobId, botId: "bot-a" })).rejects.toThrow(missing);
    await expect(
      createAuditRecorder(test.db, { enabled: true }).startJob({ jobId }),
    ).rejects.toThrow(missing);
    await expect(
      writeEvents(test.db, [
        { position: 1, event: { type: "job.accepted", jobId, botId: "b", at: new Date() } },
      ]),
    ).rejects.toThrow(missing);
  });

  it("makes every read say to run migrate first", async () => {
    const from = new Date("2024-01-01T00:00:00Z");
    const to = new Date("2024-01-02T00:00:00Z");
    await expect(getBotMetrics(test.db)).rejects.toThrow(missing);
    await expect(getRecentJobs(test.db)).rejects.toThrow(missing);
    await expect(getStageSummary(test.db)).rejects.toThrow(missing);
    await expect(getJobWithStages(test.db, randomUUID())).rejects.toThrow(missing);
    await expect(getJobTimeSeries(test.db, { bucket: "day", from, to })).rejects.toThrow(missing);
    const iterator = exportEvents(test.db)[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toThrow(missing);
  });

  it("maps to exit status 4 with a one-line message", async () => {
    const error = await getBotMetrics(test.db).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(SchemaMissingError);
    expect(describeFailure(error)).toEqual({
      message: "the audit tables do not exist: run migrate first",
      exitCode: 4,
    });
  });
});

describe("typed errors", () => {
  it("carry the kind that decides the exit status", () => {
    const jobId = randomUUID();
    expect(
      describeFailure(new ValidationError([{ field: "jobId", message: "not a UUID" }])),
    ).toEqual({ message: "jobId: not a UUID", exitCode: 1 });
    expect(describeFailure(new NotFoundError(jobId))).toEqual({
      message: `jobId: no job ${jobId} has been accepted`,
      exitCode: 6,
    });
    expect(describeFailure(new ConflictError(jobId, "state", "already finished"))).toEqual({
      message: "state: already finished",
      exitCode: 7,
    });
  });

  it("translate driver errors by SQLSTATE, under drizzle's wrapper too", () => {
    const wrapped = (cause: object) => Object.assign(new Error("Failed query"), { cause });
    expect(
      translateDatabaseError(wrapped({ code: "42P01", message: 'relation "jobs" does not exist' })),
    ).toBeInstanceOf(SchemaMissingError);
    const fk = translateDatabaseError(
      wrapped({
        code: "23503",
        message: "violates foreign key",
        detail:
          'Key (job_id)=(4f1c1f9e-3f7a-4b8e-9c1d-2b3a4c5d6e7f) is not present in table "jobs".',
      }),
    );
    expect(fk).toEqual(new NotFoundError("4f1c1f9e-3f7a-4b8e-9c1d-2b3a4c5d6e7f"));
    const check = translateDatabaseError({
      code: "23514",
      message: "new row violates check constraint",
      constraint_name: "ck_jobs_timestamps_ordered",
    });
    expect(check).toBeInstanceOf(ValidationError);
    expect((check as ValidationError).message).toBe(
      "ck_jobs_timestamps_ordered: refused by the database: new row violates check constraint (SQLSTATE 23514)",
    );
    const unknown = new Error("something else");
    expect(translateDatabaseError(unknown)).toBe(unknown);
  });

  it("leave every other driver error to the one translator of @forusbots/db", () => {
    const lockTimeout = Object.assign(new Error("canceling statement due to lock timeout"), {
      code: "55P03",
    });
    expect(translateDatabaseError(lockTimeout)).toEqual(translateDriverError(lockTimeout));
    expect(translateDatabaseError(lockTimeout)).toBeInstanceOf(DatabaseBusyError);
  });
});

describe("an event the database refuses, on a migrated database", () => {
  const SECRET = "s3cret-in-meta";
  const test = useTestDatabase();

  // Random hex does not compress: its index row is past btree's 2704-byte limit (SQLSTATE 54000).
  const unindexable = () => randomBytes(2000).toString("hex");

  it("costs the batch only itself, and its reason holds none of its payload", async () => {
    // Names are refused over 200 characters before they are sent; an index an operator adds on a
    // JSON field is one the validation cannot know.
    await test.db.execute(sql`CREATE INDEX idx_test_jobs_meta_blob ON jobs ((meta->>'blob'))`);
    try {
      const good = randomUUID();
      const report = await writeEvents(test.db, [
        {
          position: 1,
          event: { type: "job.accepted", jobId: good, botId: "bot-a", at: new Date() },
        },
        {
          position: 2,
          event: {
            type: "job.accepted",
            jobId: randomUUID(),
            botId: "bot-a",
            at: new Date(),
            meta: { token: SECRET, blob: unindexable() },
          },
        },
      ]);
      expect(report.stored).toBe(1);
      expect(report.rejected.map((rejected) => rejected.position)).toEqual([2]);
      expect(report.rejected[0]?.reason).toMatch(
        /refused by the database: index row size \d+ exceeds .* \(SQLSTATE 54000\)$/,
      );
      expect(inspect(report, { depth: 10 })).not.toContain(SECRET);
      expect(await getJobWithStages(test.db, good)).toMatchObject({ jobId: good, botId: "bot-a" });
    } finally {
      await test.db.execute(sql`DROP INDEX idx_test_jobs_meta_blob`);
    }
  });

  it("the recorder's error for it is a validation error that holds none of its payload", async () => {
    const error = await acceptJob(test.db, {
      jobId: randomUUID(),
      botId: unindexable(),
      meta: { token: SECRET },
    }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ValidationError);
    expect(describeFailure(error).exitCode).toBe(1);
    expect(inspect(error, { depth: 10 })).not.toContain(SECRET);
    expect(inspect(error, { depth: 10 })).not.toContain("params:");
  });
});
