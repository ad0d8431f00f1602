import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MIGRATIONS_FOLDER, readMigrationFiles } from "@forusbots/db/migrator";
import { createTestDatabase, type TestDatabase } from "@forusbots/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./cli-process.ts";

const TAGS = readMigrationFiles().map((file) => file.tag);
const EDITED = "0001_views";
const VIEWS_TIME = readMigrationFiles().find((file) => file.tag === EDITED)?.createdAt ?? 0;

/** Makes the tracking row of 0001_views hold `hash`, as if another file had been applied. */
async function recordAppliedHash(database: TestDatabase, hash: string): Promise<void> {
  const handle = await database.open({ maxConnections: 1 });
  try {
    await handle.query(
      sql`UPDATE drizzle.__drizzle_migrations SET hash = ${hash} WHERE created_at = ${VIEWS_TIME}`,
    );
  } finally {
    await handle.close();
  }
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("an applied migration whose file changed", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    expect((await runCli(["seed", "--jobs", "5"], { env: database.env })).status).toBe(0);
  });
  afterAll(async () => database?.dispose());

  it("applied from a CRLF checkout (its hash of the CRLF bytes): no warning anywhere", async () => {
    const lf = readFileSync(join(MIGRATIONS_FOLDER, `${EDITED}.sql`), "utf8");
    await recordAppliedHash(database, sha256(lf.replace(/\n/g, "\r\n")));
    for (const args of [["recent"], ["status"], ["migrate"]]) {
      const run = await runCli(args, { env: database.env });
      expect([args, run.status, run.stderr]).toEqual([args, 0, ""]);
    }
  });

  describe("edited for real", () => {
    beforeAll(async () => recordAppliedHash(database, "e".repeat(64)));
    const warning = new RegExp(
      `^warning: migration ${EDITED}\\.sql was edited after it was applied \\(hash eeeeeeeeeeee in the database, [0-9a-f]{12} on disk\\)`,
    );

    it.each([["recent"], ["metrics"], ["stages"], ["timeline"], ["export"]])(
      "%s warns on stderr and answers (exit 0)",
      async (command) => {
        const run = await runCli([command], { env: database.env });
        expect(run.status).toBe(0);
        expect(run.stderr).toMatch(warning);
        expect(run.stdout).not.toBe("");
      },
    );

    it("status warns, marks it, and exits as it would otherwise (0: nothing pending)", async () => {
      const run = await runCli(["status"], { env: database.env });
      expect(run.status).toBe(0);
      expect(run.stderr).toMatch(warning);
      expect(run.stdout).toMatch(new RegExp(`${EDITED} +applied, edited since`));
      const json = JSON.parse((await runCli(["status", "--json"], { env: database.env })).stdout);
      expect(json.edited).toEqual([{ tag: EDITED }]);
      expect(json.applied).toHaveLength(TAGS.length);
    });

    it("migrate and rollback still refuse it (exit 5) and change nothing", async () => {
      for (const args of [["migrate"], ["rollback", "--yes"]]) {
        const run = await runCli(args, { env: database.env });
        expect(run.status).toBe(5);
        expect(run.stderr).toContain(`migration ${EDITED}.sql was edited after it was applied`);
      }
      const json = JSON.parse((await runCli(["status", "--json"], { env: database.env })).stdout);
      expect(json.applied).toHaveLength(TAGS.length);
    });
  });
});
