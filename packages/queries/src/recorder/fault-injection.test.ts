import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { type DatabaseHandle, loadConfig, openDatabase } from "@forusbots/db";
import { runMigrations } from "@forusbots/db/migrator";
import {
  createTestDatabase,
  PrivateCluster,
  RUN_TYPESCRIPT_FROM_SOURCE,
  startProcess,
  type TestDatabase,
} from "@forusbots/db/testing";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";

import { expectExactlyRecorded } from "../testing/recorded-jobs.ts";
import { TcpProxy, throughProxy } from "../testing/tcp-proxy.ts";
import { type FinishedJob, runBot } from "../testing/test-bot.ts";
import { openAuditRecorder } from "./recorder.ts";
import type { RecorderEvent } from "./recorder-events.ts";

/*
 * Fault injection on PostgreSQL (PGlite runs in the process: there is no network to break). Each
 * test points real recorders, opened exactly as a bot opens them (`openAuditRecorder(loadConfig())`
 * with AUDIT_DB=1, DATABASE_URL and AUDIT_SPOOL_DIR), at a TCP proxy on loopback in front of a
 * database of its own, breaks the proxy while the bots record whole jobs, and checks that nothing
 * was lost or doubled.
 */
const onPostgres = inject("auditTestDatabase").engine === "postgres";

const WRITE_TIMEOUT_MS = 1_000;
/**
 * What a call may take past its bound on a loaded machine: the fsync of its spool line and the
 * event loop's own delay (CI shares its cores). A hung call would take the whole outage.
 */
const SLACK_MS = 750;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A database of the test's own, reached through a proxy the test can cut, and a spool folder. */
interface ProxiedSpool {
  database: TestDatabase;
  /** A direct connection, past the proxy, to read what was stored. */
  handle: DatabaseHandle;
  proxy: TcpProxy;
  spoolDir: string;
  /** The recorder's settings: through the proxy, spooling, each call bounded. */
  env: Record<string, string>;
}

async function openProxiedSpool(): Promise<ProxiedSpool> {
  const database = await createTestDatabase();
  const handle = await database.open();
  const url = new URL(database.env.DATABASE_URL ?? "");
  const proxy = new TcpProxy(url.hostname, Number(url.port || 5432));
  const port = await proxy.listen();
  const spoolDir = mkdtempSync(join(tmpdir(), "audit-spool-"));
  const env = {
    AUDIT_DB: "1",
    DATABASE_URL: throughProxy(database.env.DATABASE_URL ?? "", port),
    AUDIT_SPOOL_DIR: spoolDir,
    AUDIT_WRITE_TIMEOUT_MS: String(WRITE_TIMEOUT_MS),
  };
  return { database, handle, proxy, spoolDir, env };
}

async function closeProxiedSpool(fixture: ProxiedSpool): Promise<void> {
  await fixture.proxy.close();
  await fixture.handle.close();
  await fixture.database.dispose();
  rmSync(fixture.spoolDir, { recursive: true, force: true });
}

describe.skipIf(!onPostgres)("the recorder loses nothing when the network fails", () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  let proxy: TcpProxy;
  let spoolDir: string;

  beforeEach(async () => {
    ({ database, handle, proxy, spoolDir, env } = await openProxiedSpool());
  });
  afterEach(() => closeProxiedSpool({ database, handle, proxy, spoolDir, env }));
  let env: Record<string, string> = {};

  const spoolFiles = () => readdirSync(spoolDir);

  it("four recorders writing while every connection is cut for three seconds", async () => {
    const events: RecorderEvent[] = [];
    const recorders = await Promise.all(
      Array.from({ length: 4 }, () =>
        openAuditRecorder(loadConfig(env), { onEvent: (event) => events.push(event) }),
      ),
    );
    let stop = false;
    const bots = recorders.map((audit, bot) =>
      runBot(audit, `bot-${bot}`, { until: () => stop, pauseMs: 20 }),
    );
    await sleep(1_500);
    proxy.cut();
    await sleep(3_000);
    proxy.heal();
    await sleep(1_500);
    stop = true;
    const runs = await Promise.all(bots);
    await Promise.all(recorders.map((audit) => audit.close()));

    for (const run of runs) {
      expect(run.errors).toEqual([]);
      expect(run.slowestCallMs).toBeLessThan(WRITE_TIMEOUT_MS + SLACK_MS);
    }
    const outcomes = runs.flatMap((run) => run.outcomes);
    // The cut really made calls spool, and the rest went straight to the database.
    expect(outcomes.filter((outcome) => outcome === "spooled").length).toBeGreaterThan(0);
    expect(outcomes.filter((outcome) => outcome === "stored").length).toBeGreaterThan(0);
    expect(events.some((event) => event.type === "flushed")).toBe(true);
    const finished = runs.flatMap((run) => run.finished);
    expect(finished.length).toBeGreaterThan(8);
    await expectExactlyRecorded(handle, finished);
    // Everything replayed: no segment left, nothing refused.
    expect(spoolFiles()).toEqual([]);
  }, 30_000);

  it("a server that stops answering: calls return within the bound, spool, and flush on recovery", async () => {
    const events: RecorderEvent[] = [];
    const audit = await openAuditRecorder(loadConfig(env), {
      onEvent: (event) => events.push(event),
    });
    const before = await runBot(audit, "bot-stall", { jobs: 2 });
    expect(new Set(before.outcomes)).toEqual(new Set(["stored"]));

    proxy.stall();
    const during = await runBot(audit, "bot-stall", { jobs: 3, firstJob: 2 });
    expect(during.errors).toEqual([]);
    expect(during.slowestCallMs).toBeLessThan(WRITE_TIMEOUT_MS + SLACK_MS);
    expect(new Set(during.outcomes)).toEqual(new Set(["spooled"]));
    expect(events.filter((event) => event.type === "spooled")).toHaveLength(3 * 6);
    // Spooled means on disk: the segment holds every event of the three jobs.
    const segment = spoolFiles().filter((file) => file.startsWith("events-"));
    expect(segment).toHaveLength(1);

    proxy.heal();
    await audit.close();
    await expectExactlyRecorded(handle, [...before.finished, ...during.finished]);
    expect(spoolFiles()).toEqual([]);
  }, 30_000);

  it("close leaves on disk what the database did not take; the next recorder replays it", async () => {
    proxy.cut();
    const first = await openAuditRecorder(loadConfig({ ...env, AUDIT_CLOSE_TIMEOUT_MS: "200" }));
    const spooled = await runBot(first, "bot-later", { jobs: 3 });
    expect(new Set(spooled.outcomes)).toEqual(new Set(["spooled"]));
    await first.close();
    expect(spoolFiles().filter((file) => file.startsWith("events-"))).toHaveLength(1);

    proxy.heal();
    const events: RecorderEvent[] = [];
    const next = await openAuditRecorder(loadConfig(env), {
      onEvent: (event) => events.push(event),
    });
    await next.close();
    expect(events).toContainEqual({ type: "claimed", events: 3 * 6 });
    await expectExactlyRecorded(handle, spooled.finished);
    expect(spoolFiles()).toEqual([]);
  }, 30_000);
});

/** Runs the bot process, resolves with its report line, and hands back the running child. */
function startBotProcess(env: Record<string, string>, jobs: number) {
  const script = fileURLToPath(new URL("../testing/spooling-bot-process.ts", import.meta.url));
  const child = startProcess(
    process.execPath,
    [...RUN_TYPESCRIPT_FROM_SOURCE, script, String(jobs), "bot-killed"],
    { env, stdio: ["ignore", "pipe", "inherit"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const report = new Promise<{ finished: FinishedJob[]; outcomes: string[]; errors: number }>(
    (resolve, reject) => {
      const output = child.stdout;
      if (!output) throw new Error("the bot process has no stdout");
      createInterface({ input: output }).once("line", (line) => resolve(JSON.parse(line)));
      child.once("exit", (code) => reject(new Error(`the bot process ended first (${code})`)));
    },
  );
  return { child, exited, report };
}

describe.skipIf(!onPostgres)("kill -9 of a process holding a spool", () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  let proxy: TcpProxy;
  let spoolDir: string;
  let env: Record<string, string> = {};

  beforeEach(async () => {
    ({ database, handle, proxy, spoolDir, env } = await openProxiedSpool());
  });
  afterEach(() => closeProxiedSpool({ database, handle, proxy, spoolDir, env }));

  it("the next process replays what the killed one spooled, once, even when replayed twice", async () => {
    proxy.cut();
    const bot = startBotProcess(env, 5);
    const report = await bot.report;
    expect(report.errors).toBe(0);
    expect(new Set(report.outcomes)).toEqual(new Set(["spooled"]));
    // Its segment is held by a running process: nobody else may replay it.
    const [segment, ...others] = readdirSync(spoolDir);
    expect(others).toEqual([]);
    const copy = join(tmpdir(), `copy-of-${segment}`);
    copyFileSync(join(spoolDir, segment ?? ""), copy);
    const meanwhile = await openAuditRecorder(loadConfig(env), {});
    await meanwhile.close();
    expect(readdirSync(spoolDir)).toEqual([segment]);

    bot.child.kill("SIGKILL");
    await bot.exited;
    proxy.heal();
    const events: RecorderEvent[] = [];
    const next = await openAuditRecorder(loadConfig(env), {
      onEvent: (event) => events.push(event),
    });
    await next.close();
    expect(events).toContainEqual({ type: "claimed", events: 5 * 6 });
    await expectExactlyRecorded(handle, report.finished);
    expect(readdirSync(spoolDir)).toEqual([]);

    // The same segment once more (as after a crash between the database's commit and the
    // segment's deletion): every event is found already there, nothing is written twice.
    copyFileSync(copy, join(spoolDir, (segment ?? "").replace(/\.\d+-\d+\.jsonl$/, ".0-0.jsonl")));
    rmSync(copy);
    const again = await openAuditRecorder(loadConfig(env), {});
    await again.close();
    await expectExactlyRecorded(handle, report.finished);
    expect(readdirSync(spoolDir)).toEqual([]);
  }, 60_000);
});

const postgresBinaries = onPostgres ? PrivateCluster.findBinaries() : null;
if (onPostgres && postgresBinaries === null) {
  console.warn(
    "skipped: the real server restart test needs PostgreSQL's initdb and pg_ctl (not found on PATH or in /usr/lib/postgresql/*/bin)",
  );
}

describe.skipIf(postgresBinaries === null)("a real server restart under live load", () => {
  it("four recorders keep every event across `pg_ctl restart -m fast` of a private cluster", async () => {
    const cluster = await PrivateCluster.start(postgresBinaries ?? "");
    const spoolDir = mkdtempSync(join(tmpdir(), "audit-spool-"));
    try {
      await runMigrations({ engine: "postgres", url: cluster.url });
      const env = {
        AUDIT_DB: "1",
        DATABASE_URL: cluster.url,
        AUDIT_SPOOL_DIR: spoolDir,
        AUDIT_WRITE_TIMEOUT_MS: String(WRITE_TIMEOUT_MS),
      };
      const recorders = await Promise.all(
        Array.from({ length: 4 }, () => openAuditRecorder(loadConfig(env))),
      );
      let stop = false;
      const bots = recorders.map((audit, bot) =>
        runBot(audit, `bot-${bot}`, { until: () => stop, pauseMs: 20 }),
      );
      await sleep(1_500);
      await cluster.restart();
      await sleep(2_000);
      stop = true;
      const runs = await Promise.all(bots);
      await Promise.all(recorders.map((audit) => audit.close()));
      for (const run of runs) expect(run.errors).toEqual([]);
      expect(runs.flatMap((run) => run.outcomes)).toContain("spooled");
      const handle = await openDatabase({ engine: "postgres", url: cluster.url });
      try {
        await expectExactlyRecorded(
          handle,
          runs.flatMap((run) => run.finished),
        );
      } finally {
        await handle.close();
      }
      expect(readdirSync(spoolDir)).toEqual([]);
    } finally {
      await cluster.destroy();
      rmSync(spoolDir, { recursive: true, force: true });
    }
  }, 90_000);
});
