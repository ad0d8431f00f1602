import { spawn } from "node:child_process";
import { summarize, type Timing } from "./timing.ts";

export type ChildEnv = Record<string, string | undefined>;

export interface ProcessRun {
  milliseconds: number;
  status: number | null;
  output: string;
}

/** Wall time of one process from spawn to exit, as a user waits for it at the prompt. */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: ChildEnv },
): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
    });
    child.on("error", reject);
    child.on("close", (status) =>
      resolve({ milliseconds: performance.now() - started, status, output }),
    );
  });
}

/**
 * `runs` runs of a command after one unmeasured (disk cache warm, as for a user who ran it
 * before). A failing run stops the measurement: its time would measure the failure.
 */
export async function timeProcess(
  runs: number,
  command: string,
  args: readonly string[],
  options: { cwd: string; env: ChildEnv },
): Promise<Timing> {
  const samples: number[] = [];
  for (let run = -1; run < runs; run++) {
    const result = await runProcess(command, args, options);
    if (result.status !== 0) {
      const lastLine = result.output.trim().split("\n").at(-1) ?? "";
      throw new Error(`${[command, ...args].join(" ")} exited with ${result.status}: ${lastLine}`);
    }
    if (run >= 0) samples.push(result.milliseconds);
  }
  return summarize(samples);
}
