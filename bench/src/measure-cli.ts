import { fileURLToPath } from "node:url";
import { type ChildEnv, timeProcess } from "./spawn-timing.ts";
import type { Timing } from "./timing.ts";

/** The operator's binary, as installed in the workspace: it runs the CLI's built bundle. */
const CLI_BIN = fileURLToPath(new URL("../../apps/cli/bin/forus-audit.js", import.meta.url));

export interface CliFigures {
  status: Timing | null;
  metricsJson: Timing | null;
  /** `forus-audit migrate` with nothing pending: the other way a user migrates. */
  migrateNoop: Timing | null;
  /** Why the figures are missing, when they are. */
  note: string | null;
}

/**
 * Wall time of `forus-audit status`, `metrics --json` and `migrate` (nothing pending), spawned as
 * a user runs them.
 */
export async function measureCli(runs: number, env: ChildEnv): Promise<CliFigures> {
  const options = { cwd: fileURLToPath(new URL("../..", import.meta.url)), env };
  try {
    return {
      status: await timeProcess(runs, process.execPath, [CLI_BIN, "status"], options),
      metricsJson: await timeProcess(
        runs,
        process.execPath,
        [CLI_BIN, "metrics", "--json"],
        options,
      ),
      migrateNoop: await timeProcess(runs, process.execPath, [CLI_BIN, "migrate"], options),
      note: null,
    };
  } catch (error) {
    return {
      status: null,
      metricsJson: null,
      migrateNoop: null,
      note: `not measured: ${(error as Error).message}`,
    };
  }
}
