import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

export interface BinOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `pnpm db:migrate`'s command, `node bin/migrate.js`, which runs the bundle `pnpm build`
 * wrote (turbo builds it before the tests), in a process of its own with only the given
 * variables added.
 */
export function runMigrateBin(args: string[], env: Record<string, string>): Promise<BinOutcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["bin/migrate.js", ...args],
      {
        cwd: packageDir,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
