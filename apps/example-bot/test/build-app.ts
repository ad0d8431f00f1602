import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runProcess } from "@forusbots/db/testing";

export const APP_DIR = fileURLToPath(new URL("..", import.meta.url));
const TSC = join(APP_DIR, "node_modules", ".bin", "tsc");

/**
 * Runs the TypeScript compiler in the app's folder: its exit status and what it printed. Checking
 * every declaration file (drizzle-orm's included) took 98 s and then over 120 s on a slow day's
 * CI run, beside the other packages' suites on two cores: the bound only catches a hung compiler.
 */
export const TSC_TIMEOUT_MS = 540_000;

export const runTsc = (args: string[]) =>
  runProcess(TSC, args, { cwd: APP_DIR, timeoutMs: TSC_TIMEOUT_MS });

/**
 * Builds the app as `pnpm build` does (tsc into dist/), so the tests run what `pnpm start` runs:
 * its JavaScript under plain node, importing the packages' built dist/ (which `pnpm test`
 * builds first: turbo's test task depends on `^build`).
 */
export async function buildApp(): Promise<void> {
  const build = await runTsc(["-p", "tsconfig.build.json"]);
  if (build.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed:\n${build.stdout}`);
}
