import { fileURLToPath } from "node:url";
import { type ChildOptions, type ProcessRun, runProcess } from "@forusbots/db/testing";

/** What one run of the real CLI process left behind. */
export type CliRun = ProcessRun;

/** The installed binary, bin/forus-audit.js, which runs the bundle `pnpm build` wrote. */
export const CLI_BIN = fileURLToPath(new URL("../bin/forus-audit.js", import.meta.url));
const REPOSITORY_ROOT = fileURLToPath(new URL("../../..", import.meta.url));

const shellQuote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;

/** Whether util-linux `script` is there to give the CLI a pseudo-terminal. */
export const terminalAvailable =
  (await runProcess("script", ["--version"]).catch(() => undefined))?.status === 0;

/**
 * Runs the CLI on a pseudo-terminal (through `script`), as an operator at a terminal sees it:
 * stdout and stderr are both the terminal, so the output is the two interleaved.
 */
export function runCliOnTerminal(
  args: readonly string[],
  options: ChildOptions = {},
): Promise<CliRun> {
  const command = [process.execPath, CLI_BIN, ...args].map(shellQuote).join(" ");
  return runProcess("script", ["-qec", command, "/dev/null"], options);
}

/**
 * Runs the installed binary as an operator would, with `env` pointing it at a database, and
 * `input` written to its standard input.
 */
export function runCli(
  args: readonly string[],
  options: ChildOptions & { input?: string } = {},
): Promise<CliRun> {
  return runProcess(process.execPath, [CLI_BIN, ...args], options);
}

/**
 * Runs a shell command line in the repository root exactly as the README shows it (`pnpm cli …`,
 * pipes included), so what pnpm itself prints is part of what the test sees.
 */
export function runShellInRepository(
  commandLine: string,
  options: Pick<ChildOptions, "env"> = {},
): Promise<CliRun> {
  return runProcess("sh", ["-c", commandLine], { ...options, cwd: REPOSITORY_ROOT });
}
