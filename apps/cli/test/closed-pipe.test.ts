import { fileURLToPath } from "node:url";
import { createTestDatabase, startProcess, type TestDatabase } from "@forusbots/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_BIN, runCli } from "./cli-process.ts";

const DB_MIGRATE_BIN = fileURLToPath(
  new URL("../../../packages/db/bin/migrate.js", import.meta.url),
);

interface GoneReaderRun {
  status: number | null;
  /** What the reader took before it went. */
  read: string;
  stderr: string;
}

/**
 * Runs a binary whose reader goes away: after the first chunk of stdout, as `| head -1` does,
 * or before any, as a reader that exits at once. Every later write of the child then fails
 * with EPIPE.
 */
function runWithReaderGone(
  bin: string,
  args: readonly string[],
  env: Record<string, string>,
  readerTakes: "first chunk" | "nothing",
): Promise<GoneReaderRun> {
  return new Promise((resolve, reject) => {
    const child = startProcess(process.execPath, [bin, ...args], { env });
    let read = "";
    let stderr = "";
    const { stdout, stderr: errors } = child;
    if (stdout === null || errors === null) throw new Error("the child's output is not piped");
    if (readerTakes === "nothing") stdout.destroy();
    stdout.setEncoding("utf8").once("data", (chunk: string) => {
      read = chunk;
      stdout.destroy();
    });
    errors.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, read, stderr }));
  });
}

describe("a reader that goes away ends the output quietly, exit 0", () => {
  let fresh: TestDatabase;
  let seeded: TestDatabase;
  beforeAll(async () => {
    fresh = await createTestDatabase({ migrated: false });
    seeded = await createTestDatabase();
    const seed = await runCli(["seed", "--jobs", "150", "--end", "2026-03-01"], {
      env: seeded.env,
    });
    expect(seed.status).toBe(0);
  });
  afterAll(async () => {
    await fresh?.dispose();
    await seeded?.dispose();
  });

  it("forus-audit migrate --dry-run | head -1", async () => {
    const run = await runWithReaderGone(
      CLI_BIN,
      ["migrate", "--dry-run"],
      fresh.env,
      "first chunk",
    );
    expect(run.read).toMatch(/^-- Dry run against /);
    expect([run.status, run.stderr]).toEqual([0, ""]);
  });

  it("pnpm db:migrate --dry-run | head -1", async () => {
    const run = await runWithReaderGone(DB_MIGRATE_BIN, ["--dry-run"], fresh.env, "first chunk");
    expect(run.read).toMatch(/^-- Dry run against /);
    expect([run.status, run.stderr]).toEqual([0, ""]);
  });

  it("forus-audit rollback --dry-run | head", async () => {
    const run = await runWithReaderGone(
      CLI_BIN,
      ["rollback", "--dry-run", "--all"],
      seeded.env,
      "first chunk",
    );
    expect(run.read).toMatch(/^-- Dry run against /);
    expect([run.status, run.stderr]).toEqual([0, ""]);
  });

  it("forus-audit recent --json, its reader gone before the first byte", async () => {
    const run = await runWithReaderGone(CLI_BIN, ["recent", "--json"], seeded.env, "nothing");
    expect([run.status, run.stderr]).toEqual([0, ""]);
  });

  it("a migration whose reader went away is still applied whole", async () => {
    const run = await runWithReaderGone(CLI_BIN, ["migrate"], fresh.env, "first chunk");
    expect([run.status, run.stderr]).toEqual([0, ""]);
    const status = await runCli(["status", "--json"], { env: fresh.env });
    expect(status.status).toBe(0);
    expect(JSON.parse(status.stdout).pending).toEqual([]);
  });
});
