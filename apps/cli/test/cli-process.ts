import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** What one run of the real CLI process left behind. */
export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

const BIN = fileURLToPath(new URL("../bin/forus-audit.js", import.meta.url));
const REPOSITORY_ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/** Variables of the test runner that would otherwise choose the CLI's database or style. */
const INHERITED_CHOICES = ["DATABASE_URL", "AUDIT_DB_PATH", "AUDIT_DB", "INIT_CWD", "NO_COLOR"];

function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of INHERITED_CHOICES) delete base[name];
  return { ...base, ...env };
}

const shellQuote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;

/** Whether util-linux `script` is there to give the CLI a pseudo-terminal. */
export const terminalAvailable = spawnSync("script", ["--version"]).status === 0;

/**
 * Runs the CLI on a pseudo-terminal (through `script`), as an operator at a terminal sees it:
 * stdout and stderr are both the terminal, so the output is the two interleaved.
 */
export function runCliOnTerminal(
  args: readonly string[],
  options: { env?: Record<string, string> } = {},
): Promise<CliRun> {
  const command = [process.execPath, BIN, ...args].map(shellQuote).join(" ");
  return runProcess("script", ["-qec", command, "/dev/null"], options);
}

/**
 * Runs the installed binary (bin/forus-audit.js) as an operator would, with `env` pointing it at
 * a database, and `input` written to its standard input.
 */
export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string; cwd?: string } = {},
): Promise<CliRun> {
  return runProcess(process.execPath, [BIN, ...args], options);
}

/**
 * Runs a shell command line in the repository root exactly as the README shows it (`pnpm cli …`,
 * pipes included), so what pnpm itself prints is part of what the test sees.
 */
export function runShellInRepository(
  commandLine: string,
  options: { env?: Record<string, string> } = {},
): Promise<CliRun> {
  return runProcess("sh", ["-c", commandLine], { ...options, cwd: REPOSITORY_ROOT });
}

function runProcess(
  file: string,
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string; cwd?: string },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: childEnv(options.env ?? {}),
      cwd: options.cwd ?? process.cwd(),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}
