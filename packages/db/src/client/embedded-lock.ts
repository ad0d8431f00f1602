import { randomBytes } from "node:crypto";
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ConnectionError } from "../errors.ts";

/**
 * PGlite keeps no lock of its own: two opens of one data directory, in one process or two,
 * each believe they own it, and what one writes the other loses or corrupts. `<dataDir>.lock`
 * is a folder where each process that wants the directory puts a file of its own, named after
 * its owner: `<pid>+<start>+<host>+<random>`, `start` being when that process started
 * (/proc/<pid>/stat). A file's name is its owner, complete from the instant it appears (it is
 * written aside and renamed in), so no one ever reads an owner half written.
 *
 * Whoever finds, once its own file is in place, no other file of a live owner holds the lock;
 * whoever finds one withdraws its file and tries again a few times, then reports the directory
 * in use. Two that arrive together may both withdraw, never both hold: the second to list the
 * folder sees the first's file. A file whose owner is gone — no such pid, or a pid now started at
 * another time (the number was reused) — is stale and anyone removes it: its name is unique and
 * its owner will never come back for it, so removing it can never take away a live lock. Closing
 * removes one's own file only.
 *
 * Liveness is judged on this machine: a file of another host (a shared disk) is taken as live.
 * Without /proc (not Linux), a live pid counts as the owner whatever its start time.
 */

/** Tries to hold the lock before saying the directory is in use: two arrivals may both withdraw. */
const ATTEMPTS = 5;
const SEPARATOR = "+";
const UNKNOWN_START = "-";

interface Owner {
  pid: number;
  start: string;
  host: string;
}

const THIS_HOST = encodeURIComponent(hostname());

/** Whether /proc answers for processes (Linux): then a pid missing from it is no process. */
const PROC_AVAILABLE = ((): boolean => {
  try {
    return statSync("/proc/self/stat").isFile();
  } catch {
    return false;
  }
})();

/**
 * When process `pid` started, in clock ticks since boot (field 22 of /proc/<pid>/stat);
 * undefined when there is no such process, UNKNOWN_START when /proc does not say.
 */
function startOf(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && PROC_AVAILABLE) return undefined;
    return isRunning(pid) ? UNKNOWN_START : undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields[19] ?? UNKNOWN_START;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function parseOwner(name: string): Owner | undefined {
  const [pid, start, host] = name.split(SEPARATOR);
  const number = Number(pid);
  if (!Number.isSafeInteger(number) || number <= 0 || start === undefined || host === undefined) {
    return undefined;
  }
  return { pid: number, start, host };
}

/** Whether the process that wrote a lock file still runs: the same pid, started at the same time. */
function isLive(owner: Owner): boolean {
  if (owner.host !== THIS_HOST) return true;
  const start = startOf(owner.pid);
  if (start === undefined) return false;
  return start === UNKNOWN_START || owner.start === UNKNOWN_START || start === owner.start;
}

function inUse(dataDir: string, owner: Owner): ConnectionError {
  const who =
    owner.host !== THIS_HOST
      ? `process ${owner.pid} on host ${decodeURIComponent(owner.host)}`
      : owner.pid === process.pid
        ? `process ${owner.pid} (this one: it is already open here)`
        : `process ${owner.pid}`;
  return new ConnectionError(
    `the embedded database ${dataDir} is in use by ${who}; close it first, or set DATABASE_URL to use a PostgreSQL server`,
  );
}

/**
 * An older version's lock: a file `<dataDir>.lock` holding a pid. Honoured while that pid runs,
 * removed once it does not.
 */
function clearOldLockFile(lockDir: string, dataDir: string): void {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(lockDir);
  } catch {
    return;
  }
  if (stats.isDirectory()) return;
  const pid = Number.parseInt(readFileSync(lockDir, "utf8"), 10);
  if (Number.isSafeInteger(pid) && pid > 0 && isRunning(pid)) {
    throw inUse(dataDir, { pid, start: UNKNOWN_START, host: THIS_HOST });
  }
  rmSync(lockDir, { force: true });
}

/** Puts this process's file in the lock folder, written aside and renamed in whole. */
function placeOwnFile(lockDir: string, name: string): void {
  for (;;) {
    mkdirSync(lockDir, { recursive: true });
    const aside = join(lockDir, `.${name}`);
    try {
      writeFileSync(aside, `${JSON.stringify({ since: new Date().toISOString() })}\n`);
      renameSync(aside, join(lockDir, name));
      return;
    } catch (error) {
      // The last holder removed the empty folder between mkdir and the write: make it again.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
}

/** The live owners of the other files in the folder; the stale ones are removed on the way. */
function otherLiveOwners(lockDir: string, ownName: string): Owner[] {
  const live: Owner[] = [];
  for (const name of readdirSync(lockDir)) {
    if (name === ownName) continue;
    // `.name`: a file being written aside, or left by a writer that died before its rename.
    const owner = parseOwner(name.startsWith(".") ? name.slice(1) : name);
    if (owner === undefined) continue;
    if (isLive(owner)) {
      if (!name.startsWith(".")) live.push(owner);
    } else {
      rmSync(join(lockDir, name), { force: true });
    }
  }
  return live;
}

function removeOwnFile(lockDir: string, name: string): void {
  rmSync(join(lockDir, name), { force: true });
  try {
    // Tidy only: fails while any other file is there, and a newcomer then makes it again.
    rmdirSync(lockDir);
  } catch {}
}

/**
 * Locks `dataDir` for this handle, or throws `ConnectionError` ("in use", exit status 3) naming
 * the process that holds it. Returns the unlock, which removes this handle's file only.
 */
export async function lockEmbeddedDirectory(dataDir: string): Promise<() => void> {
  const lockDir = `${dataDir}.lock`;
  clearOldLockFile(lockDir, dataDir);
  const start = startOf(process.pid) ?? UNKNOWN_START;
  const name = [process.pid, start, THIS_HOST, randomBytes(8).toString("hex")].join(SEPARATOR);
  for (let attempt = 1; ; attempt++) {
    placeOwnFile(lockDir, name);
    const [holder] = otherLiveOwners(lockDir, name);
    if (holder === undefined) return () => removeOwnFile(lockDir, name);
    removeOwnFile(lockDir, name);
    if (attempt === ATTEMPTS) throw inUse(dataDir, holder);
    // Apart by a random few milliseconds, so that two arrivals do not keep meeting.
    await sleep(5 + Math.random() * 45);
  }
}
