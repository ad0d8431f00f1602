import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  closedLoopbackPort,
  createTestDatabase,
  runNodeScript,
  type TestDatabase,
} from "../src/testing/index.ts";
import { runMigrateBin } from "./run-migrate-bin.ts";

const dbMigrate = (env: Record<string, string>) => runMigrateBin([], env);

describe("pnpm db:migrate", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => database?.dispose());

  it("applies every migration, naming each, then reports up to date", async () => {
    const first = await dbMigrate(database.env);
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    for (const tag of [
      "0000_init",
      "0001_views",
      "0002_alias_views",
      "0003_ms_durations",
      "0004_job_stages_dedupe",
      "0005_job_rollups",
      "0006_bot_job_hourly_hour_index",
      "0007_least_privilege_roles",
      "0008_name_length_limits",
      "0009_static_rollup_triggers",
      "0010_stage_duration_buckets",
      "0011_stage_totals_slots",
    ]) {
      expect(first.stdout).toMatch(new RegExp(`applied ${tag} \\(\\d+ statements?, \\d+ ms\\)`));
    }
    const second = await dbMigrate(database.env);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain("Already up to date (12 migrations applied).");
  });

  it("in a checkout never built, says in one line to run pnpm build", async () => {
    const checkout = mkdtempSync(join(tmpdir(), "forusbots-unbuilt-"));
    try {
      mkdirSync(join(checkout, "bin"));
      writeFileSync(join(checkout, "package.json"), '{ "type": "module" }\n');
      copyFileSync(new URL("../bin/migrate.js", import.meta.url), join(checkout, "bin/migrate.js"));
      const outcome = await runNodeScript("bin/migrate.js", [], { cwd: checkout });
      expect(outcome.status).toBe(2);
      expect(outcome.stderr).toBe("db:migrate: dist/migrate.js is not built: run `pnpm build`\n");
    } finally {
      rmSync(checkout, { recursive: true, force: true });
    }
  });

  const failures: [string, string, RegExp, number][] = [
    [
      "a URL of another database",
      "mysql://root:hunter2@127.0.0.1/x",
      /DATABASE_URL must start with postgres:\/\//,
      2,
    ],
    ["an unparseable URL", "postgres://root:hunter2@[bad/x", /DATABASE_URL is not a valid URL/, 2],
    [
      "an unknown host",
      "postgres://root:hunter2@no-such-host.invalid:5432/x",
      /host "no-such-host\.invalid" not found/,
      3,
    ],
  ];
  it.each(failures)(
    "fails on %s with one line, its exit status and no password",
    async (_, url, message, code) => {
      const outcome = await dbMigrate({ DATABASE_URL: url });
      expect(outcome.status).toBe(code);
      expect(outcome.stderr.trim().split("\n")).toHaveLength(1);
      expect(outcome.stderr).toMatch(message);
      expect(outcome.stdout + outcome.stderr).not.toContain("hunter2");
    },
  );

  it("fails on an unreachable server with one line, exit status 3 and no password", async () => {
    const port = await closedLoopbackPort();
    const outcome = await dbMigrate({
      DATABASE_URL: `postgres://root:hunter2@127.0.0.1:${port}/x`,
    });
    expect(outcome.status).toBe(3);
    expect(outcome.stderr).toBe(
      `db:migrate: cannot connect to PostgreSQL at 127.0.0.1:${port}: connection refused (is the server running?)\n`,
    );
    expect(outcome.stdout).not.toContain("hunter2");
  });
});
