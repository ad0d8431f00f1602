import { createTestDatabase, type TestDatabase } from "@forusbots/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, runShellInRepository } from "./cli-process.ts";

// The README tells operators to run `pnpm cli <command>`: what reaches stdout through pnpm must be
// the command's own output and nothing else, or `--json` stops parsing and exports stop ingesting.
describe("pnpm cli, as the README runs it", () => {
  let source: TestDatabase;
  let copy: TestDatabase;
  beforeAll(async () => {
    [source, copy] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    const seeded = await runCli(["seed", "--jobs", "20", "--bots", "2", "--seed", "7"], {
      env: source.env,
    });
    expect(seeded.status, seeded.stderr).toBe(0);
  });
  afterAll(async () => {
    await Promise.all([source?.dispose(), copy?.dispose()]);
  });

  it("`pnpm cli recent --json` writes one JSON document and nothing else on stdout", async () => {
    const run = await runShellInRepository("pnpm cli recent --json --limit 5", { env: source.env });
    expect(run.status, run.stderr).toBe(0);
    const parsed = JSON.parse(run.stdout) as { jobs: unknown[] };
    expect(parsed.jobs).toHaveLength(5);
  });

  it("`pnpm cli export | pnpm cli ingest -` copies every event into another database", async () => {
    // Two databases in one pipeline: each side gets its own target through its own variables.
    const exportEnv = Object.entries(source.env)
      .map(([name, value]) => `${name}='${value}'`)
      .join(" ");
    const ingestEnv = Object.entries(copy.env)
      .map(([name, value]) => `${name}='${value}'`)
      .join(" ");
    const run = await runShellInRepository(
      `env ${exportEnv} pnpm cli export | env ${ingestEnv} pnpm cli ingest - --json`,
    );
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { stored: number; rejected: number };
    // 20 jobs, each with an acceptance event at least: every line was an event, none refused.
    expect(summary.rejected).toBe(0);
    expect(summary.stored).toBeGreaterThanOrEqual(20);

    const [original, copied] = await Promise.all([
      runCli(["export"], { env: source.env }),
      runCli(["export"], { env: copy.env }),
    ]);
    expect(copied.stdout).toBe(original.stdout);
  });
});
