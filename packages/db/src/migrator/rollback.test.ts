import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CatalogDump, dumpCatalog } from "../catalog/dump.ts";
import type { DatabaseHandle } from "../client/handle.ts";
import { createTestDatabase, type TestDatabase, useTestDatabase } from "../testing/index.ts";
import { MIGRATIONS_FOLDER, readMigrationFiles } from "./journal.ts";
import { migrate } from "./migrate.ts";
import { getMigrationStatus } from "./plan.ts";
import { rollback } from "./rollback.ts";

const files = readMigrationFiles();
const JOB = "00000000-0000-4000-8000-0000000000aa";

const readRows = (handle: DatabaseHandle) =>
  handle.query<{ job_id: string; bot_id: string; stage_name: string }>(sql`
    SELECT j.job_id, j.bot_id, s.stage_name FROM jobs j JOIN job_stages s USING (job_id)
    ORDER BY s.started_at`);

describe("rollback with the hand-written down scripts", () => {
  const test = useTestDatabase({ migrated: false, connection: { maxConnections: 1 } });

  it("up → down → up gives the same catalog for every migration, and rows in jobs survive", async () => {
    let before: CatalogDump = await dumpCatalog(test.handle);
    expect(before.tables).toEqual([]);
    for (const [index, file] of files.entries()) {
      await migrate(test.handle, { to: file.tag });
      const afterUp = await dumpCatalog(test.handle);
      expect(afterUp, `${file.tag} changes the schema`).not.toEqual(before);

      const result = await rollback(test.handle);
      expect(result.rolledBack).toEqual([file.tag]);
      expect(await dumpCatalog(test.handle), `down script of ${file.tag}`).toEqual(before);
      expect((await getMigrationStatus(test.handle)).applied).toHaveLength(index);

      await migrate(test.handle, { to: file.tag });
      expect(await dumpCatalog(test.handle), `${file.tag} applied again`).toEqual(afterUp);
      if (index === 0) {
        // From here on every down script must leave these rows alone.
        await test.handle.query(sql`INSERT INTO jobs (job_id, bot_id) VALUES (${JOB}, 'bot-1')`);
        await test.handle.query(sql`
          INSERT INTO job_stages (job_id, stage_name, started_at, status)
          VALUES (${JOB}, 'login', '2026-01-01T10:00:00Z', 'succeed'),
                 (${JOB}, 'submit', '2026-01-01T10:00:05Z', 'fail')`);
      }
      before = afterUp;
    }
    expect(await readRows(test.handle)).toEqual([
      { job_id: JOB, bot_id: "bot-1", stage_name: "login" },
      { job_id: JOB, bot_id: "bot-1", stage_name: "submit" },
    ]);
  });

  it("--to keeps the named migration and rolls back the newer ones, newest first", async () => {
    const target = files[1]?.tag ?? "";
    const newerNewestFirst = files
      .slice(2)
      .map((file) => file.tag)
      .reverse();
    const dry: string[] = [];
    await rollback(test.handle, {
      to: target,
      dryRun: true,
      onEvent: (event) => {
        if (event.type === "would-roll-back") dry.push(event.tag);
      },
    });
    expect(dry).toEqual(newerNewestFirst);
    expect((await getMigrationStatus(test.handle)).pending).toEqual([]);

    const result = await rollback(test.handle, { to: target });
    expect(result).toEqual({ rolledBack: newerNewestFirst, remaining: 2 });
    const columns = await test.handle.query<{ column_name: string }>(sql`
      SELECT column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = 'jobs' ORDER BY ordinal_position`);
    // 0003_ms_durations added duration_ms; 0000_init's ten columns remain.
    expect(columns.map((column) => column.column_name)).toEqual([
      "job_id",
      "bot_id",
      "state",
      "accepted_at",
      "started_at",
      "finished_at",
      "meta",
      "result",
      "created_by",
      "error_message",
    ]);
    expect(await readRows(test.handle)).toHaveLength(2);
    await expect(rollback(test.handle, { to: files[3]?.tag ?? "" })).rejects.toThrow(
      /is not applied/,
    );
    await migrate(test.handle);
  });
});

describe("rollback refuses before running anything", () => {
  let database: TestDatabase;
  let folder: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    folder = mkdtempSync(join(tmpdir(), "forusbots-rollback-"));
    cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  });
  afterAll(async () => {
    rmSync(folder, { recursive: true, force: true });
    await database?.dispose();
  });

  it("names the migration whose down script is missing", async () => {
    const newest = files.at(-1)?.tag ?? "";
    rmSync(join(folder, `${newest}.down.sql`));
    const handle = await database.open({ maxConnections: 1 });
    try {
      await expect(rollback(handle, { folder })).rejects.toThrow(
        new RegExp(`migration ${newest} has no down script`),
      );
      expect((await getMigrationStatus(handle)).applied).toHaveLength(files.length);
    } finally {
      await handle.close();
    }
  });
});
