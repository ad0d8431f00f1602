import { fileURLToPath } from "node:url";
import { type ProcessRun, runNodeScript } from "../src/testing/index.ts";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

/**
 * Runs `pnpm db:migrate`'s command, `node bin/migrate.js`, which runs the bundle `pnpm build`
 * wrote (turbo builds it before the tests), in a process of its own with only the given
 * database variables.
 */
export const runMigrateBin = (args: string[], env: Record<string, string>): Promise<ProcessRun> =>
  runNodeScript("bin/migrate.js", args, { cwd: packageDir, env });
