import { randomUUID } from "node:crypto";
import { type AuditDb, IN_MEMORY, SchemaMissingError } from "@forusbots/db";
import { jobStages, jobs } from "@forusbots/db/schema";
import { closedLoopbackPort } from "@forusbots/db/testing";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { at, useAuditDatabase } from "../testing/audit-database.ts";
import { createAuditRecorder, openAuditRecorder } from "./recorder.ts";

const context = useAuditDatabase();

/**
 * A database that records every property read and fails on it: any query, transaction or
 * builder call a disabled recorder made would show up in `touched` and reject.
 */
function untouchableDatabase(): { db: AuditDb; touched: PropertyKey[] } {
  const touched: PropertyKey[] = [];
  const db = new Proxy({} as AuditDb, {
    get(_target, property) {
      touched.push(property);
      throw new Error(`the disabled recorder touched db.${String(property)}`);
    },
  });
  return { db, touched };
}

describe("the disabled recorder", () => {
  it("issues no query and resolves unchanged for every event", async () => {
    const { db, touched } = untouchableDatabase();
    const recorder = createAuditRecorder(db, { enabled: false });
    const jobId = randomUUID();
    expect(recorder.enabled).toBe(false);
    expect(await recorder.acceptJob({ jobId, botId: "bot-a", at: at(0) })).toBe("unchanged");
    expect(await recorder.startJob({ jobId, at: at(1) })).toBe("unchanged");
    expect(
      await recorder.recordStage({ jobId, stageName: "login", startedAt: at(1), status: "fail" }),
    ).toBe("unchanged");
    expect(await recorder.finishJob({ jobId, state: "failed", at: at(2) })).toBe("unchanged");
    expect(touched).toEqual([]);
  });

  it("needs no database at all", async () => {
    const recorder = createAuditRecorder(null, { enabled: false });
    expect(await recorder.startJob({ jobId: randomUUID() })).toBe("unchanged");
  });

  it("is what openAuditRecorder gives when AUDIT_DB is off, without opening the database", async () => {
    // A target that cannot be opened (nothing listens there): opening it would throw.
    const port = await closedLoopbackPort();
    const recorder = await openAuditRecorder({
      auditEnabled: false,
      database: { engine: "postgres", url: `postgres://nobody@127.0.0.1:${port}/none` },
    });
    expect(recorder.enabled).toBe(false);
    expect(await recorder.acceptJob({ jobId: randomUUID(), botId: "bot-a" })).toBe("unchanged");
    await recorder.close();
  });
});

describe("the enabled recorder", () => {
  it("records a job's whole life", async () => {
    const recorder = createAuditRecorder(context.db, { enabled: true });
    const jobId = randomUUID();
    expect(await recorder.acceptJob({ jobId, botId: "bot-r", at: at(0) })).toBe("stored");
    expect(await recorder.startJob({ jobId, at: at(1) })).toBe("stored");
    expect(
      await recorder.recordStage({
        jobId,
        stageName: "login",
        startedAt: at(1),
        endedAt: at(1, 45),
        status: "succeed",
      }),
    ).toBe("stored");
    expect(await recorder.finishJob({ jobId, state: "succeeded", at: at(2) })).toBe("stored");
    expect(await recorder.finishJob({ jobId, state: "succeeded", at: at(2) })).toBe("unchanged");

    const [job] = await context.db.select().from(jobs).where(eq(jobs.jobId, jobId));
    expect(job).toMatchObject({ state: "succeeded", durationMs: 60_000 });
    const stages = await context.db.select().from(jobStages).where(eq(jobStages.jobId, jobId));
    expect(stages.map((stage) => stage.durationMs)).toEqual([45_000]);
  });

  it("is what openAuditRecorder gives when AUDIT_DB=1, on the configured database", async () => {
    // An in-memory database nobody migrated: the write reaches it and says what to do.
    const recorder = await openAuditRecorder({
      auditEnabled: true,
      database: { engine: "pglite", dataDir: IN_MEMORY },
    });
    try {
      expect(recorder.enabled).toBe(true);
      await expect(recorder.acceptJob({ jobId: randomUUID(), botId: "bot-a" })).rejects.toThrow(
        new SchemaMissingError(),
      );
    } finally {
      await recorder.close();
    }
  });

  it("refuses to be enabled without a database", () => {
    expect(() => createAuditRecorder(null, { enabled: true })).toThrow(/needs a database/);
  });
});
