import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@forusbots/db";
import { jobs } from "@forusbots/db/schema";
import { closedLoopbackPort } from "@forusbots/db/testing";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { SpoolFullError, ValidationError } from "../errors.ts";
import { useAuditDatabase } from "../testing/audit-database.ts";
import { TcpProxy, throughProxy } from "../testing/tcp-proxy.ts";
import { openAuditRecorder } from "./recorder.ts";
import type { RecorderEvent } from "./recorder-events.ts";
import { readSpoolStatus } from "./spool/status.ts";

const context = useAuditDatabase();
const onPostgres = inject("auditTestDatabase").engine === "postgres";

let spoolDir: string;
beforeEach(() => {
  spoolDir = mkdtempSync(join(tmpdir(), "audit-spool-"));
});
afterEach(() => {
  rmSync(spoolDir, { recursive: true, force: true });
});

const at = (seconds: number) => new Date(Date.UTC(2026, 1, 1) + seconds * 1000);

describe("the durable recorder on a healthy database", () => {
  // Exactly as a bot opens it. On PGlite the test's own handle holds the folder's lock.
  it.skipIf(!onPostgres)("stores straight away and leaves no spool file behind", async () => {
    const audit = await openAuditRecorder(
      loadConfig({ ...context.database.env, AUDIT_DB: "1", AUDIT_SPOOL_DIR: spoolDir }),
    );
    const jobId = crypto.randomUUID();
    expect(await audit.acceptJob({ jobId, botId: "bot-healthy", at: at(0) })).toBe("stored");
    expect(await audit.acceptJob({ jobId, botId: "bot-healthy", at: at(0) })).toBe("unchanged");
    await audit.close();
    expect(readdirSync(spoolDir)).toEqual([]);
  });

  it("throws at once for an invalid event, whatever the database does, and spools nothing", async () => {
    const events: RecorderEvent[] = [];
    const audit = await openAuditRecorder(
      {
        auditEnabled: true,
        // Nothing listens there: the database is down.
        database: {
          engine: "postgres",
          url: `postgres://nobody@127.0.0.1:${await closedLoopbackPort()}/none`,
        },
        recorder: { ...loadConfig({ AUDIT_SPOOL_DIR: spoolDir }).recorder, closeTimeoutMs: 50 },
      },
      { onEvent: (event) => events.push(event) },
    );
    await expect(audit.startJob({ jobId: "not-a-uuid" })).rejects.toBeInstanceOf(ValidationError);
    await audit.close();
    expect(events.filter((event) => event.type === "spooled")).toEqual([]);
    expect((await readSpoolStatus(spoolDir)).events).toBe(0);
  });
});

describe.skipIf(!onPostgres)("the spool", () => {
  let proxy: TcpProxy;
  let env: Record<string, string>;
  beforeEach(async () => {
    const url = new URL(context.database.env.DATABASE_URL ?? "");
    proxy = new TcpProxy(url.hostname, Number(url.port || 5432));
    const port = await proxy.listen();
    env = {
      AUDIT_DB: "1",
      DATABASE_URL: throughProxy(context.database.env.DATABASE_URL ?? "", port),
      AUDIT_SPOOL_DIR: spoolDir,
      AUDIT_WRITE_TIMEOUT_MS: "500",
    };
  });
  afterEach(async () => {
    await proxy.close();
  });

  it("opens within the bound when the server accepts but never answers, and the bot's calls spool", async () => {
    proxy.stall();
    const started = performance.now();
    const audit = await openAuditRecorder(loadConfig({ ...env, AUDIT_CLOSE_TIMEOUT_MS: "0" }));
    // 500 ms to connect, plus a margin for a loaded machine: not the 10 s it used to wait.
    expect(performance.now() - started).toBeLessThan(2_000);
    const callStarted = performance.now();
    expect(
      await audit.acceptJob({ jobId: crypto.randomUUID(), botId: "bot-hung", at: at(0) }),
    ).toBe("spooled");
    expect(performance.now() - callStarted).toBeLessThan(1_000);
    await audit.close();
    proxy.heal();
    await (await openAuditRecorder(loadConfig(env))).close();
    expect((await readSpoolStatus(spoolDir)).events).toBe(0);
  });

  it("keeps a job's later events behind its spooled ones, even once the database is back", async () => {
    proxy.cut();
    const audit = await openAuditRecorder(loadConfig({ ...env, AUDIT_CLOSE_TIMEOUT_MS: "0" }));
    const jobId = crypto.randomUUID();
    expect(await audit.acceptJob({ jobId, botId: "bot-order", at: at(0) })).toBe("spooled");
    proxy.heal();
    // The database answers again, but the acceptance still waits: the start queues behind it
    // (straight to the database it would find no job, a NotFoundError).
    expect(await audit.startJob({ jobId, at: at(1) })).toBe("spooled");
    await audit.close();
    const next = await openAuditRecorder(loadConfig(env));
    await next.close();
    const [row] = await context.db.select().from(jobs).where(eqJob(jobId));
    expect(row).toMatchObject({ state: "running", startedAt: at(1) });
  });

  it("reports what waits: events, bytes and the oldest event's age", async () => {
    proxy.cut();
    const audit = await openAuditRecorder(loadConfig({ ...env, AUDIT_CLOSE_TIMEOUT_MS: "0" }));
    const before = Date.now();
    for (let n = 0; n < 3; n++) {
      await audit.acceptJob({ jobId: crypto.randomUUID(), botId: "bot-status", at: at(n) });
    }
    const status = await readSpoolStatus(spoolDir);
    expect(status.events).toBe(3);
    expect(status.segments).toHaveLength(1);
    expect(status.segments[0]?.heldByPid).toBe(process.pid);
    expect(status.bytes).toBe(readFileSync(join(spoolDir, status.segments[0]?.file ?? "")).length);
    expect(status.oldestSpooledAt?.getTime()).toBeGreaterThanOrEqual(before - 1);
    await audit.close();
    // Released by its closed recorder: waiting for the next one, held by nobody.
    const released = await readSpoolStatus(spoolDir);
    expect(released.events).toBe(3);
    expect(released.segments[0]?.heldByPid).toBeNull();
    proxy.heal();
    await (await openAuditRecorder(loadConfig(env))).close();
    expect((await readSpoolStatus(spoolDir)).events).toBe(0);
  });

  it("when full, a call throws SpoolFullError and says so through the hook", async () => {
    proxy.cut();
    const events: RecorderEvent[] = [];
    const audit = await openAuditRecorder(
      loadConfig({ ...env, AUDIT_SPOOL_MAX_BYTES: "1024", AUDIT_CLOSE_TIMEOUT_MS: "0" }),
      { onEvent: (event) => events.push(event) },
    );
    const outcomes: unknown[] = [];
    for (let n = 0; n < 10; n++) {
      outcomes.push(
        await audit
          .acceptJob({ jobId: crypto.randomUUID(), botId: "bot-full", at: at(n) })
          .catch((error: unknown) => error),
      );
    }
    await audit.close();
    const spooled = outcomes.filter((outcome) => outcome === "spooled").length;
    const refused = outcomes.filter((outcome) => outcome instanceof SpoolFullError).length;
    expect(spooled).toBeGreaterThan(0);
    expect(spooled + refused).toBe(10);
    expect(refused).toBeGreaterThan(0);
    expect(events.filter((event) => event.type === "spool-full")).toHaveLength(refused);
    // What was spooled is all there, under the limit.
    const status = await readSpoolStatus(spoolDir);
    expect(status.events).toBe(spooled);
    expect(status.bytes).toBeLessThanOrEqual(1024);
  });

  it("keeps an event the database refuses on replay in a rejected file, and the others flow", async () => {
    proxy.cut();
    const audit = await openAuditRecorder(loadConfig({ ...env, AUDIT_CLOSE_TIMEOUT_MS: "0" }));
    const known = crypto.randomUUID();
    const never = crypto.randomUUID();
    await audit.acceptJob({ jobId: known, botId: "bot-reject", at: at(0) });
    // A start of a job that was never accepted: the database refuses it (NotFoundError).
    await audit.startJob({ jobId: never, at: at(1) });
    await audit.startJob({ jobId: known, at: at(2) });
    await audit.close();
    proxy.heal();
    const events: RecorderEvent[] = [];
    await (await openAuditRecorder(loadConfig(env), { onEvent: (e) => events.push(e) })).close();
    const rejected = events.filter((event) => event.type === "rejected");
    expect(rejected).toEqual([
      {
        type: "rejected",
        eventType: "job.started",
        jobId: never,
        reason: `jobId: no job ${never} has been accepted`,
        file: expect.stringMatching(/rejected-.*\.jsonl$/),
      },
    ]);
    const [row] = await context.db.select().from(jobs).where(eqJob(known));
    expect(row).toMatchObject({ state: "running" });
    const status = await readSpoolStatus(spoolDir);
    expect(status.events).toBe(0);
    expect(status.rejected.events).toBe(1);
    const [line] = readFileSync(status.rejected.files[0] ?? "", "utf8")
      .trim()
      .split("\n");
    expect(JSON.parse(line ?? "{}")).toMatchObject({
      reason: `jobId: no job ${never} has been accepted`,
      event: { type: "job.started", jobId: never, at: at(1).toISOString() },
    });
  });
});

const eqJob = (jobId: string) => eq(jobs.jobId, jobId);
