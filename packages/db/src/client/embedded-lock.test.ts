import { once } from "node:events";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConnectionError, EXIT_CODES } from "../errors.ts";
import { describeFailure } from "../failures/index.ts";
import { RUN_TYPESCRIPT_FROM_SOURCE, runNodeScript, startProcess } from "../testing/index.ts";
import { lockEmbeddedDirectory } from "./embedded-lock.ts";
import { openDatabase } from "./index.ts";

const PACKAGE_DIR = fileURLToPath(new URL("../..", import.meta.url));
const HOLDER = fileURLToPath(new URL("../../test/hold-embedded-lock.ts", import.meta.url));
const HOST = encodeURIComponent(hostname());

/** When `pid` started (field 22 of /proc/<pid>/stat), read here independently of the lock's code. */
function startTimeOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const afterName = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return afterName[22 - 3] ?? "";
}

/** A pid no process has now: one that ran and exited. */
async function deadPid(): Promise<number> {
  const run = await runNodeScript("-e", ["process.stdout.write(String(process.pid))"]);
  return Number(run.stdout);
}

async function failureOf(work: () => Promise<unknown>): Promise<Error> {
  try {
    await work();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a failure");
}

/** A process holding the lock on `dataDir` until `release()`. */
async function holderProcess(dataDir: string): Promise<{
  child: ReturnType<typeof startProcess>;
  said: string;
  release: () => Promise<string>;
}> {
  const child = startProcess(process.execPath, [...RUN_TYPESCRIPT_FROM_SOURCE, HOLDER, dataDir], {
    cwd: PACKAGE_DIR,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (text: string) => {
    output += text;
  });
  while (!output.includes("\n")) {
    await Promise.race([
      once(child, "exit"),
      ...(child.stdout ? [once(child.stdout, "data")] : []),
    ]);
    if (child.exitCode !== null) break;
  }
  return {
    child,
    said: output.trim(),
    release: async () => {
      child.stdin?.end("release\n");
      if (child.exitCode === null) await once(child, "exit");
      return output.trim();
    },
  };
}

describe("the embedded database's lock", () => {
  let folder: string;
  let dataDir: string;
  let lockDir: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), "forus-audit-lock-"));
    dataDir = join(folder, "audit-db");
    lockDir = `${dataDir}.lock`;
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it("names its owner in the file's name, the only thing in the folder while held", async () => {
    const unlock = await lockEmbeddedDirectory(dataDir);
    const files = readdirSync(lockDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(
      new RegExp(`^${process.pid}\\+${startTimeOf(process.pid)}\\+${HOST}\\+[0-9a-f]{16}$`),
    );
    unlock();
    expect(existsSync(lockDir)).toBe(false);
  });

  it("the same process twice: the second is refused as in use until the first lets go", async () => {
    const unlock = await lockEmbeddedDirectory(dataDir);
    const error = await failureOf(() => lockEmbeddedDirectory(dataDir));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(describeFailure(error)).toEqual({
      message: `the embedded database ${dataDir} is in use by process ${process.pid} (this one: it is already open here); close it first, or set DATABASE_URL to use a PostgreSQL server`,
      exitCode: EXIT_CODES.connection,
    });
    // The refused attempt left the holder's lock in place.
    expect(readdirSync(lockDir)).toHaveLength(1);
    unlock();
    (await lockEmbeddedDirectory(dataDir))();
  });

  it("two processes: the second is refused, naming the first, until it lets go", async () => {
    const holder = await holderProcess(dataDir);
    expect(holder.said).toBe("locked");
    const error = await failureOf(() => lockEmbeddedDirectory(dataDir));
    expect(error.message).toContain(`is in use by process ${holder.child.pid};`);
    // And the other way round: a process started while this one holds the lock is refused.
    expect(await holder.release()).toBe("locked\nreleased");
    const unlock = await lockEmbeddedDirectory(dataDir);
    const second = await holderProcess(dataDir);
    expect(second.said).toBe(
      `the embedded database ${dataDir} is in use by process ${process.pid}; close it first, or set DATABASE_URL to use a PostgreSQL server`,
    );
    expect(second.child.exitCode ?? (await once(second.child, "exit"))[0]).toBe(3);
    unlock();
  });

  it("a holder killed with SIGKILL leaves a lock that the next open takes over", async () => {
    const holder = await holderProcess(dataDir);
    expect(holder.said).toBe("locked");
    holder.child.kill("SIGKILL");
    await once(holder.child, "exit");
    expect(readdirSync(lockDir)[0]).toMatch(new RegExp(`^${holder.child.pid}\\+`));
    const unlock = await lockEmbeddedDirectory(dataDir);
    expect(readdirSync(lockDir)).toEqual([expect.stringMatching(new RegExp(`^${process.pid}\\+`))]);
    unlock();
  });

  it("a stale lock of a pid that no longer runs is taken over", async () => {
    const pid = await deadPid();
    mkdirSync(lockDir);
    writeFileSync(join(lockDir, `${pid}+12345+${HOST}+0123456789abcdef`), "");
    const unlock = await lockEmbeddedDirectory(dataDir);
    expect(readdirSync(lockDir)).toEqual([expect.stringMatching(new RegExp(`^${process.pid}\\+`))]);
    unlock();
  });

  it("a stale lock whose pid now belongs to another process (started at another time) is taken over", async () => {
    // The parent of this process runs, but did not start at this time: the pid was reused.
    const reused = process.ppid;
    const otherStart = String(Number(startTimeOf(reused)) + 1);
    mkdirSync(lockDir);
    writeFileSync(join(lockDir, `${reused}+${otherStart}+${HOST}+0123456789abcdef`), "");
    const unlock = await lockEmbeddedDirectory(dataDir);
    expect(readdirSync(lockDir)).toHaveLength(1);
    unlock();
    // The same pid with its real start time is a live owner.
    mkdirSync(lockDir);
    writeFileSync(join(lockDir, `${reused}+${startTimeOf(reused)}+${HOST}+0123456789abcdef`), "");
    const error = await failureOf(() => lockEmbeddedDirectory(dataDir));
    expect(error.message).toContain(`is in use by process ${reused};`);
  });

  it("letting go removes one's own lock only", async () => {
    const unlock = await lockEmbeddedDirectory(dataDir);
    // Another live process's file (the parent's, with its true start time) appears beside it.
    const other = `${process.ppid}+${startTimeOf(process.ppid)}+${HOST}+fedcba9876543210`;
    writeFileSync(join(lockDir, other), "");
    unlock();
    expect(readdirSync(lockDir)).toEqual([other]);
    const error = await failureOf(() => lockEmbeddedDirectory(dataDir));
    expect(error.message).toContain(`is in use by process ${process.ppid};`);
    expect(readdirSync(lockDir)).toEqual([other]);
  });

  it("a lock of another host is taken as live, and said so", async () => {
    mkdirSync(lockDir);
    writeFileSync(join(lockDir, `${await deadPid()}+1+other-machine+0123456789abcdef`), "");
    const error = await failureOf(() => lockEmbeddedDirectory(dataDir));
    expect(error.message).toMatch(/is in use by process \d+ on host other-machine;/);
  });

  it("an older version's lock file is honoured while its pid runs, and replaced once it does not", async () => {
    writeFileSync(lockDir, String(process.ppid));
    const error = await failureOf(() => lockEmbeddedDirectory(dataDir));
    expect(error.message).toContain(`is in use by process ${process.ppid};`);
    writeFileSync(lockDir, String(await deadPid()));
    (await lockEmbeddedDirectory(dataDir))();
  });

  it("a second open of one PGlite folder in one process fails; the first keeps working", async () => {
    const first = await openDatabase({ engine: "pglite", dataDir });
    try {
      await first.query(sql`CREATE TABLE kept (n int)`);
      const error = await failureOf(() => openDatabase({ engine: "pglite", dataDir }));
      expect(describeFailure(error).exitCode).toBe(3);
      expect(error.message).toContain("is in use by process");
      await first.query(sql`INSERT INTO kept VALUES (1)`);
    } finally {
      await first.close();
    }
    const second = await openDatabase({ engine: "pglite", dataDir });
    try {
      expect(await second.query(sql`SELECT n FROM kept`)).toEqual([{ n: 1 }]);
    } finally {
      await second.close();
    }
  }, 60_000);
});
