import { availableParallelism, loadavg, totalmem } from "node:os";
import type { DatabaseHandle } from "@forusbots/db";
import { sql } from "drizzle-orm";

export interface MachineFigures {
  cores: number;
  memoryGiB: number;
  node: string;
  postgres: string;
  /** 1-minute load average; other work on a shared machine skews every figure. */
  load1: number;
}

export async function describeMachine(handle: DatabaseHandle): Promise<MachineFigures> {
  const [row] = await handle.query<{ version: string }>(sql`SELECT version() AS version`);
  return {
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres: (row?.version ?? "unknown").split(" on ")[0] ?? "unknown",
    load1: loadavg()[0] ?? 0,
  };
}

export const currentLoad = (): number => loadavg()[0] ?? 0;
