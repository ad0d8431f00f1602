import { readFileSync } from "node:fs";

/**
 * Who holds a spool segment: a process, named by its PID and its start time. The start time is
 * what makes a reused PID harmless: a segment whose PID now belongs to another process (started
 * later) is recognised as abandoned. It is the kernel's (`/proc/<pid>/stat`, clock ticks since
 * boot) where there is one; elsewhere "0", and the PID alone is checked.
 */
export interface SpoolOwner {
  pid: number;
  start: string;
}

/** A segment nobody holds: left by a recorder that closed before the database took it all. */
export const NO_OWNER: SpoolOwner = { pid: 0, start: "0" };

function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count from its closing one.
    // Field 22, starttime, is then the 20th.
    const start = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    return start !== undefined && /^\d+$/.test(start) ? start : undefined;
  } catch {
    return undefined;
  }
}

export const THIS_PROCESS: SpoolOwner = {
  pid: process.pid,
  start: processStart(process.pid) ?? "0",
};

/** Whether the owner still runs: the PID exists and, where it can be read, started when it did. */
export function ownerRuns(owner: SpoolOwner): boolean {
  if (owner.pid === NO_OWNER.pid) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  if (owner.start === "0") return true;
  const start = processStart(owner.pid);
  return start === undefined || start === owner.start;
}
