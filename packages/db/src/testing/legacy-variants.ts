import { readFileSync } from "node:fs";
import type { DatabaseHandle } from "../client/handle.ts";

/**
 * Runs a psql-style script (BEGIN/COMMIT inside, several statements) the way `psql < file` does:
 * one simple query. `path` is relative to packages/db/legacy/.
 */
export async function runLegacyScript(handle: DatabaseHandle, path: string): Promise<void> {
  const text = readFileSync(new URL(`../../legacy/${path}`, import.meta.url), "utf8");
  if (handle.driver.engine === "postgres") await handle.driver.sql.unsafe(text).simple();
  else await handle.driver.client.exec(text);
}
