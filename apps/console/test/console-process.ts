import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RUN_TYPESCRIPT_FROM_SOURCE, runProcess, startProcess } from "@forusbots/db/testing";

export const CONSOLE_DIR = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(CONSOLE_DIR, "node_modules", ".bin");
const STARTUP_TIMEOUT_MS = 60_000;
/** How `pnpm console` starts the server: node running its TypeScript entry with tsx. */
const SERVER_ARGS = [...RUN_TYPESCRIPT_FROM_SOURCE, "src/server/main.ts"];

/** `vite build`, as `pnpm console` does, so the browser sees the page of the current sources. */
export async function buildPage(): Promise<void> {
  const build = await runProcess(join(BIN, "vite"), ["build", "--logLevel", "error"], {
    cwd: CONSOLE_DIR,
  });
  if (build.status !== 0)
    throw new Error(`vite build exited with ${build.status}: ${build.stderr}`);
  const index = join(CONSOLE_DIR, "dist", "index.html");
  if (!existsSync(index) || statSync(index).size === 0)
    throw new Error("vite build wrote no index.html");
}

export interface RunningConsole {
  /** e.g. http://localhost:41234 */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the real console (`src/server/main.ts` with tsx, as `pnpm console` does) as its own process on a free port (PORT=0)
 * and waits for the line that says where it listens.
 */
export function startConsole(databaseEnv: Record<string, string>): Promise<RunningConsole> {
  const child = startProcess(process.execPath, SERVER_ARGS, {
    cwd: CONSOLE_DIR,
    env: { ...databaseEnv, PORT: "0" },
  });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the console did not start within ${STARTUP_TIMEOUT_MS} ms:\n${output}`));
    }, STARTUP_TIMEOUT_MS);
    const onOutput = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /console: (http:\/\/localhost:\d+)/.exec(output);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      resolve({
        url: match[1],
        stop: async () => {
          if (child.exitCode === null) child.kill("SIGTERM");
          await exited;
        },
      });
    };
    child.stdout?.on("data", onOutput);
    child.stderr?.on("data", onOutput);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the console exited with ${code} before listening:\n${output}`));
    });
  });
}

/** Runs the console expecting it to refuse to start: its exit status and what it printed. */
export async function consoleRefusal(
  extraEnv: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const run = await runProcess(process.execPath, SERVER_ARGS, {
    cwd: CONSOLE_DIR,
    env: { ...extraEnv, PORT: "0" },
    timeoutMs: STARTUP_TIMEOUT_MS,
  });
  return { code: run.status, output: run.stdout + run.stderr };
}
