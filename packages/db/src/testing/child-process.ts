import { type ChildProcess, type StdioOptions, spawn } from "node:child_process";
import { DATABASE_CHOICE_VARIABLES } from "../config.ts";

/**
 * Variables of the test runner's own environment that would choose, in a child, what the test
 * means to choose itself: the database (DATABASE_URL, AUDIT_DB_PATH, AUDIT_DB), the guard of the
 * destructive reset (NODE_ENV), the console's port, the folder relative paths start from
 * (INIT_CWD, set by pnpm) and the colours (NO_COLOR). A test that wants one passes it in `env`.
 * The one list for every child the suites start.
 */
export const VARIABLES_NOT_INHERITED = [
  ...DATABASE_CHOICE_VARIABLES,
  "NODE_ENV",
  "PORT",
  "INIT_CWD",
  "NO_COLOR",
] as const;

/** A child killed after this long is reported as hung, so no test waits on it for ever. */
const DEFAULT_TIMEOUT_MS = 120_000;

export interface ChildOptions {
  /** Added to the runner's environment, once VARIABLES_NOT_INHERITED are taken out of it. */
  env?: Readonly<Record<string, string>>;
  /** Default: the runner's working directory. */
  cwd?: string;
}

/** What one run of a child process left behind. */
export interface ProcessRun {
  /** null when a signal ended it. */
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The environment a child starts with: the runner's, less the choices a test makes itself. */
export function childEnvironment(env: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const inherited: NodeJS.ProcessEnv = { ...process.env };
  for (const name of VARIABLES_NOT_INHERITED) delete inherited[name];
  return { ...inherited, ...env };
}

/**
 * Starts a child for a test that drives it while it runs (a server, a process to interrupt, a
 * reader that goes away); standard input is ignored and both outputs piped unless `stdio` says
 * otherwise. The caller waits for its exit.
 */
export function startProcess(
  command: string,
  args: readonly string[],
  options: ChildOptions & { stdio?: StdioOptions } = {},
): ChildProcess {
  return spawn(command, args, {
    cwd: options.cwd ?? process.cwd(),
    env: childEnvironment(options.env),
    stdio: options.stdio ?? ["ignore", "pipe", "pipe"],
  });
}

/**
 * Runs a child to its end, with `input` written to its standard input (closed at once without
 * it), and returns its status and both outputs. A child still running after `timeoutMs` is
 * killed and the run fails with what it printed so far.
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: ChildOptions & { input?: string; timeoutMs?: number } = {},
): Promise<ProcessRun> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = startProcess(command, args, { ...options, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `${command} ${args.join(" ")} still running after ${timeoutMs} ms, killed:\n${stdout}${stderr}`,
        ),
      );
    }, timeoutMs);
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    // A child that exits without reading its input must not fail the run with EPIPE.
    child.stdin?.on("error", () => {});
    child.stdin?.end(options.input ?? "");
  });
}

/** Runs a Node.js script (a package's bin) with the Node.js running the tests. */
export const runNodeScript = (
  script: string,
  args: readonly string[],
  options: ChildOptions & { input?: string; timeoutMs?: number } = {},
): Promise<ProcessRun> => runProcess(process.execPath, [script, ...args], options);
