import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MigrationError } from "../errors.ts";
import { readDownScript, tablesDroppedBy } from "./down-scripts.ts";
import type { MigrationFile } from "./journal.ts";

const folder = mkdtempSync(join(tmpdir(), "forusbots-down-scripts-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const migration = (tag: string): MigrationFile => ({
  tag,
  createdAt: 0,
  hash: "",
  sameContentHashes: [],
  statements: [],
  transactional: true,
});

function downScript(tag: string, text: string): MigrationFile {
  writeFileSync(join(folder, `${tag}.down.sql`), text);
  return migration(tag);
}

describe("readDownScript", () => {
  it("reads a down script's statements, CRLF read as LF, in a transaction unless marked", () => {
    const file = downScript(
      "0001_a",
      "DROP VIEW a;\r\n--> statement-breakpoint\r\nDROP TABLE\r\n  b;\r\n",
    );
    expect(readDownScript(folder, file)).toEqual({
      label: "down script 0001_a.down.sql",
      statements: ["DROP VIEW a;", "DROP TABLE\n  b;"],
      transactional: true,
    });
    const marked = downScript(
      "0002_b",
      "-- forusbots:no-transaction\nDROP INDEX CONCURRENTLY i;\n",
    );
    expect(readDownScript(folder, marked).transactional).toBe(false);
  });

  it("refuses a missing down script, naming the file to write", () => {
    const path = join(folder, "0003_missing.down.sql");
    expect(() => readDownScript(folder, migration("0003_missing"))).toThrow(
      new MigrationError(
        `migration 0003_missing has no down script (${path}); write one before rolling it back`,
      ),
    );
  });

  it("refuses a down script of comments only", () => {
    const file = downScript(
      "0004_empty",
      "-- nothing to undo\n--> statement-breakpoint\n-- still nothing\n",
    );
    expect(() => readDownScript(folder, file)).toThrow(
      new MigrationError(`down script ${join(folder, "0004_empty.down.sql")} has no statements`),
    );
    const indented = downScript("0005_indented", "-- first\n  -- indented second\n");
    expect(() => readDownScript(folder, indented)).toThrow(MigrationError);
    const blank = downScript("0006_blank", "\n\n");
    expect(() => readDownScript(folder, blank)).toThrow(MigrationError);
  });
});

describe("tablesDroppedBy", () => {
  it("names the tables each DROP TABLE drops, in order, however they are written", () => {
    expect(
      tablesDroppedBy({
        statements: [
          "-- the rollups go first\nDROP TABLE IF EXISTS bot_job_totals CASCADE;",
          "DROP VIEW job_metrics_by_bot;",
          'drop table "public"."job_stages", public.JOBS restrict',
          'DROP TABLE "Odd ""Name""";',
          "  -- an indented note\nDROP TABLE\nruns , steps",
          "ALTER TABLE jobs DROP COLUMN meta;",
        ],
      }),
    ).toEqual(["bot_job_totals", "job_stages", "jobs", 'Odd "Name"', "runs", "steps"]);
  });

  it("skips a DROP TABLE that is commented out", () => {
    expect(
      tablesDroppedBy({
        statements: ["-- DROP TABLE jobs;\n  -- DROP TABLE job_stages;\nSELECT 1;"],
      }),
    ).toEqual([]);
  });
});
