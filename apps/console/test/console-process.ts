import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const CONSOLE_DIR = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(CONSOLE_DIR, "node_modules", ".bin");
const STARTUP_TIMEOUT_MS = 60_000;

/** Variables that would point the console elsewhere than the database a test gives it. */
const DATABASE_VARIABLES = ["DATABASE_URL", "AUDIT_DB_PATH", "AUDIT_DB", "PORT"];

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: CONSOLE_DIR, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}: ${stderr}`)),
    );
  });
}

/** `vite build`, as `pnpm console` does, so the browser sees the page of the current sources. */
export async function buildPage(): Promise<void> {
  await run(join(BIN, "vite"), ["build", "--logLevel", "error"]);
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
 * Starts the real console (`tsx src/server/main.ts`) as its own process on a free port (PORT=0)
 * and waits for the line that says where it listens.
 */
export function startConsole(databaseEnv: Record<string, string>): Promise<RunningConsole> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...databaseEnv, PORT: "0" };
  for (const name of DATABASE_VARIABLES) {
    if (!(name in databaseEnv) && name !== "PORT") delete env[name];
  }
  const child: ChildProcess = spawn(join(BIN, "tsx"), ["src/server/main.ts"], {
    cwd: CONSOLE_DIR,
    env,
    stdio: ["ignore", "pipe", "pipe"],
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
export function consoleRefusal(
  extraEnv: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv, PORT: "0" };
  return new Promise((resolve, reject) => {
    const child = spawn(join(BIN, "tsx"), ["src/server/main.ts"], {
      cwd: CONSOLE_DIR,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the console kept running instead of refusing to start:\n${output}`));
    }, STARTUP_TIMEOUT_MS);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
