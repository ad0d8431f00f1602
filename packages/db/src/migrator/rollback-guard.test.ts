import { describe, expect, it } from "vitest";
import type { DroppedTable, RollbackPlan } from "./rollback.ts";
import { auditRowsAtRisk, describeDroppedTables, rollbackRefusal } from "./rollback-guard.ts";

/**
 * The guard in-process, on plans written out here (the CLI's tests run it through the built
 * command, where mutation testing cannot reach it). Newest migration first, as plans list them.
 */
const table = (name: string, droppedBy: string, rows: number, derived = false): DroppedTable => ({
  name,
  droppedBy,
  rows,
  derived,
});

const plan = (migrations: string[], droppedTables: DroppedTable[]): RollbackPlan => ({
  migrations,
  droppedTables,
  applied: 9,
});

const EVERYTHING = plan(
  ["0005_job_rollups", "0004_job_stages_dedupe", "0000_init"],
  [
    table("bot_job_totals", "0005_job_rollups", 5, true),
    table("job_stages", "0000_init", 1234),
    table("jobs", "0000_init", 1),
  ],
);
const CONFIRMED = { confirmed: true, production: false };

describe("rollbackRefusal", () => {
  it("lets a plan that undoes nothing run without --yes, even in production", () => {
    expect(rollbackRefusal(plan([], []), { confirmed: false, production: true })).toBeNull();
  });

  it("asks for --yes for anything that changes the schema", () => {
    const onlyRollups = plan(["0005_job_rollups"], [table("bot_job_totals", "0005", 3, true)]);
    expect(rollbackRefusal(onlyRollups, { confirmed: false, production: false })).toBe(
      "rollback changes the schema (see what it undoes above); run it again with --yes to confirm, or with --dry-run to see its SQL",
    );
    expect(rollbackRefusal(onlyRollups, CONFIRMED)).toBeNull();
  });

  it("outside production, a confirmed rollback may drop audit rows", () => {
    expect(rollbackRefusal(EVERYTHING, CONFIRMED)).toBeNull();
  });

  it("in production refuses to drop audit rows whatever the flags, naming the migration to keep", () => {
    expect(rollbackRefusal(EVERYTHING, { confirmed: true, production: true })).toBe(
      "rollback would drop job_stages (1,234 rows) and jobs (1 row): refused under NODE_ENV=production. " +
        "To keep the data, leave 0000_init applied: --to 0000_init rolls back only what is newer. " +
        "If the rows really must go, export them first (forus-audit export -o audit.jsonl, or pg_dump) and run the rollback from a shell without NODE_ENV=production.",
    );
  });

  it("in production names the newest migration that would drop audit rows as the one to keep", () => {
    const twoDroppers = plan(
      ["0009_archive", "0008_notes", "0000_init"],
      [table("notes", "0008_notes", 2), table("archive", "0009_archive", 7)],
    );
    expect(rollbackRefusal(twoDroppers, { confirmed: true, production: true })).toContain(
      "leave 0009_archive applied: --to 0009_archive rolls back",
    );
    const reversed = plan(twoDroppers.migrations, [...twoDroppers.droppedTables].reverse());
    expect(rollbackRefusal(reversed, { confirmed: true, production: true })).toContain(
      "leave 0009_archive applied: --to 0009_archive rolls back",
    );
  });

  it("in production lets empty audit tables and rollups go, with --yes", () => {
    const emptyTrail = plan(
      ["0005_job_rollups", "0000_init"],
      [table("bot_job_totals", "0005_job_rollups", 5, true), table("jobs", "0000_init", 0)],
    );
    expect(rollbackRefusal(emptyTrail, { confirmed: true, production: true })).toBeNull();
    expect(rollbackRefusal(emptyTrail, { confirmed: false, production: true })).toMatch(
      /^rollback changes the schema/,
    );
  });
});

describe("auditRowsAtRisk", () => {
  it("is the non-derived tables holding rows, in the plan's order", () => {
    expect(auditRowsAtRisk(EVERYTHING).map(({ name }) => name)).toEqual(["job_stages", "jobs"]);
  });
});

describe("describeDroppedTables", () => {
  it("lists each table with its rows, rollups marked as rebuilt by migrate", () => {
    expect(describeDroppedTables(EVERYTHING)).toBe(
      "bot_job_totals (5 rows, derived: migrate rebuilds it), job_stages (1,234 rows), jobs (1 row)",
    );
    expect(describeDroppedTables(plan([], []))).toBe("");
  });
});
