import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { MIGRATIONS_FOLDER } from "@forusbots/db/migrator";
import { type ChildEnv, timeProcess } from "./spawn-timing.ts";
import type { Timing } from "./timing.ts";

/** packages/db, where `pnpm db:migrate` runs its script from. */
const dbPackageDir = dirname(dirname(fileURLToPath(import.meta.resolve("@forusbots/db"))));

const drizzleKitBin = join(
  dirname(createRequire(import.meta.url).resolve("drizzle-kit")),
  "bin.cjs",
);

/** `migrate` with nothing pending, as `pnpm db:migrate` runs it (node + the built bundle). */
export function timeOurMigrateNoop(runs: number, env: ChildEnv): Promise<Timing> {
  return timeProcess(runs, process.execPath, ["bin/migrate.js"], {
    cwd: dbPackageDir,
    env,
  });
}

/**
 * drizzle-kit's own `migrate` on the same migrations folder and tracking table, with a config
 * file written for the bench database (drizzle-kit reads its URL from a config only).
 */
export async function timeDrizzleKitMigrateNoop(
  runs: number,
  url: string,
  env: ChildEnv,
): Promise<Timing> {
  const dir = mkdtempSync(join(tmpdir(), "forusbots-bench-drizzle-"));
  try {
    const config = join(dir, "drizzle.config.json");
    writeFileSync(
      config,
      JSON.stringify({ dialect: "postgresql", out: MIGRATIONS_FOLDER, dbCredentials: { url } }),
    );
    return await timeProcess(
      runs,
      process.execPath,
      [drizzleKitBin, "migrate", `--config=${config}`],
      {
        cwd: dbPackageDir,
        env,
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
