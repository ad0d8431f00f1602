import { describe, expect, it } from "vitest";
import type { MigrationFile } from "./journal.ts";
import { planMigrations } from "./plan.ts";
import type { AppliedMigration } from "./tracking.ts";

// planMigrations is pure: files and tracking rows are written out here, with hashes whose first
// 12 characters are easy to read in the expected messages.
const HASH_A = `aaaaaaaaaaaa${"0".repeat(52)}`;
const HASH_A_CRLF = `acacacacacac${"0".repeat(52)}`;
const HASH_B = `bbbbbbbbbbbb${"0".repeat(52)}`;
const HASH_B_EDITED = `b0b0b0b0b0b0${"1".repeat(52)}`;
const HASH_C = `cccccccccccc${"0".repeat(52)}`;
const HASH_GONE = `deadbeef0123${"4".repeat(52)}`;

const file = (tag: string, createdAt: number, hash: string, crlf?: string): MigrationFile => ({
  tag,
  createdAt,
  hash,
  sameContentHashes: crlf === undefined ? [hash] : [hash, crlf],
  statements: [`CREATE TABLE "t_${tag}" ("id" integer);`],
  transactional: true,
});

const A = file("0000_a", 1000, HASH_A, HASH_A_CRLF);
const B = file("0001_b", 2000, HASH_B);
const C = file("0002_c", 3000, HASH_C);
const D = file("0003_d", 4000, `dddddddddddd${"0".repeat(52)}`);

const APPLIED_AT = new Date("2026-11-30T12:00:00Z");
const row = (id: number, hash: string, createdAt: number, appliedAt: Date | null = null) =>
  ({ id, hash, createdAt, appliedAt }) satisfies AppliedMigration;

describe("planMigrations matches tracking rows with migration files", () => {
  it("with no files and no rows, has nothing applied, pending or edited", () => {
    expect(planMigrations([], [])).toEqual({ applied: [], pending: [], edited: [] });
  });

  it("on an empty database every file is pending, in the files' order", () => {
    expect(planMigrations([A, B, C], [])).toEqual({ applied: [], pending: [A, B, C], edited: [] });
  });

  it("splits applied from pending; applied carry the row's hash and time, null for drizzle's rows", () => {
    const status = planMigrations(
      [A, B, C],
      [row(1, HASH_A, 1000, APPLIED_AT), row(2, HASH_B, 2000)],
    );
    expect(status).toEqual({
      applied: [
        { tag: "0000_a", createdAt: 1000, hash: HASH_A, appliedAt: APPLIED_AT },
        { tag: "0001_b", createdAt: 2000, hash: HASH_B, appliedAt: null },
      ],
      pending: [C],
      edited: [],
    });
  });

  it("a row holding the CRLF hash of a file is that migration, unedited, and keeps its own hash", () => {
    const status = planMigrations([A, B], [row(7, HASH_A_CRLF, 1000)]);
    expect(status).toEqual({
      applied: [{ tag: "0000_a", createdAt: 1000, hash: HASH_A_CRLF, appliedAt: null }],
      pending: [B],
      edited: [],
    });
  });

  it("refuses a row no file matches, naming its journal time and 12-character hash", () => {
    expect(() => planMigrations([A, B], [row(1, HASH_A, 1000), row(2, HASH_GONE, 1500)])).toThrow(
      "the database has a migration applied (journal time 1500, hash deadbeef0123) that is not among the migration files: was it removed or renamed in the journal?",
    );
  });

  it("refuses an applied migration whose file changed, by default and when told to refuse", () => {
    const message =
      "migration 0001_b.sql was edited after it was applied (hash b0b0b0b0b0b0 in the database, bbbbbbbbbbbb on disk); restore it and put the change in a new migration";
    const rows = [row(1, HASH_A, 1000), row(2, HASH_B_EDITED, 2000)];
    expect(() => planMigrations([A, B, C], rows)).toThrow(message);
    expect(() => planMigrations([A, B, C], rows, { editedApplied: "refuse" })).toThrow(message);
  });

  it("with editedApplied report, lists the edited migration with shortened hashes and goes on", () => {
    const status = planMigrations([A, B, C], [row(1, HASH_A, 1000), row(2, HASH_B_EDITED, 2000)], {
      editedApplied: "report",
    });
    expect(status).toEqual({
      applied: [
        { tag: "0000_a", createdAt: 1000, hash: HASH_A, appliedAt: null },
        { tag: "0001_b", createdAt: 2000, hash: HASH_B_EDITED, appliedAt: null },
      ],
      pending: [C],
      edited: [{ tag: "0001_b", appliedHash: "b0b0b0b0b0b0", fileHash: "bbbbbbbbbbbb" }],
    });
  });

  it("refuses pending migrations older than the newest applied one, naming each", () => {
    // A and D applied; B and C sort between them (two branches merged).
    expect(() =>
      planMigrations([A, B, C, D], [row(1, HASH_A, 1000), row(2, D.hash, 4000)]),
    ).toThrow(
      "pending migration 0001_b, 0002_c is older than the newest applied one; re-generate it after the applied migrations",
    );
  });

  it("lets a pending migration newer than every applied one through", () => {
    // The newest applied is C (its row comes first: the order of rows does not matter here).
    const status = planMigrations(
      [A, B, C, D],
      [row(3, HASH_C, 3000), row(1, HASH_A, 1000), row(2, HASH_B, 2000)],
    );
    expect(status.applied.map((applied) => applied.tag)).toEqual(["0002_c", "0000_a", "0001_b"]);
    expect(status.pending).toEqual([D]);
  });
});
