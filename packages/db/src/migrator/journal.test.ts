import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import {
  declaresNoTransaction,
  NO_TRANSACTION_MARKER,
  readMigrationFiles,
  readScriptText,
  splitStatements,
} from "./journal.ts";

/** An empty migrations folder of the running test's own, removed when the test ends. */
function folderForTest(): string {
  const folder = mkdtempSync(join(tmpdir(), "forusbots-journal-"));
  onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

function writeJournal(folder: string, text: string): string {
  mkdirSync(join(folder, "meta"), { recursive: true });
  const path = join(folder, "meta", "_journal.json");
  writeFileSync(path, text);
  return path;
}

const entry = (idx: number, when: number, tag: string) => ({
  idx,
  version: "7",
  when,
  tag,
  breakpoints: true,
});

// The same two statements with LF, CRLF and mixed line endings. Their sha256 were computed with
// `printf '…' | sha256sum`, not by the code under test.
const LF = `CREATE TABLE a (id int);\n--> statement-breakpoint\nINSERT INTO a VALUES (1);\n`;
const CRLF = LF.replace(/\n/g, "\r\n");
const MIXED = `CREATE TABLE a (id int);\r\n--> statement-breakpoint\nINSERT INTO a VALUES (1);\n`;
const SHA_LF = "d42c74861acad31a2d5b8ff45635b39cf8b9f97357196b7ca668ce4c0275d713";
const SHA_CRLF = "e8cddb0d82b062cbd807f67a1a2ec465089e1dacd75b24348a2ecca293c67da8";
const SHA_MIXED = "7895272a4df4e28c1e990ddc70a42e19c60258a371fe66087434be70c28ea66e";

describe("readMigrationFiles refuses a journal it cannot trust", () => {
  it("names the journal it did not find", () => {
    const folder = folderForTest();
    expect(() => readMigrationFiles(folder)).toThrow(
      `no migration journal at ${join(folder, "meta", "_journal.json")}`,
    );
  });

  it("names an unparsable journal, with the parser's reason", () => {
    const folder = folderForTest();
    const path = writeJournal(folder, "{ not json");
    expect(() => readMigrationFiles(folder)).toThrow(
      new RegExp(`^cannot read ${path.replace(/[.\\/]/g, "\\$&")}: .*JSON`),
    );
  });

  it("refuses a journal without an entries array", () => {
    const folder = folderForTest();
    const path = writeJournal(folder, JSON.stringify({ version: "7", entries: { 0: "x" } }));
    expect(() => readMigrationFiles(folder)).toThrow(
      `cannot read ${path}: it has no entries array`,
    );
    writeJournal(folder, JSON.stringify({ version: "7" }));
    expect(() => readMigrationFiles(folder)).toThrow(
      `cannot read ${path}: it has no entries array`,
    );
  });

  it("refuses an entry whose time is not after the previous one's, equal times included", () => {
    const folder = folderForTest();
    const path = writeJournal(
      folder,
      JSON.stringify({ entries: [entry(0, 1000, "0000_a"), entry(1, 1000, "0001_b")] }),
    );
    expect(() => readMigrationFiles(folder)).toThrow(
      `${path}: migration 0001_b (when 1000) is listed after 0000_a (when 1000) but is not newer: the journal was re-ordered`,
    );
  });

  it("names a listed migration whose file is missing", () => {
    const folder = folderForTest();
    writeJournal(
      folder,
      JSON.stringify({ entries: [entry(0, 1000, "0000_a"), entry(1, 2000, "0001_b")] }),
    );
    writeFileSync(join(folder, "0000_a.sql"), LF);
    expect(() => readMigrationFiles(folder)).toThrow(
      `the journal lists 0001_b but ${join(folder, "0001_b.sql")} does not exist`,
    );
  });
});

describe("readMigrationFiles reads each listed migration", () => {
  it("in journal order, with its time, statements, transaction flag and the hashes of its content", () => {
    const folder = folderForTest();
    writeJournal(
      folder,
      JSON.stringify({
        entries: [
          entry(0, 1000, "0000_lf"),
          entry(1, 2000, "0001_crlf"),
          entry(2, 3000, "0002_mixed"),
        ],
      }),
    );
    writeFileSync(join(folder, "0000_lf.sql"), LF);
    writeFileSync(join(folder, "0001_crlf.sql"), CRLF);
    writeFileSync(join(folder, "0002_mixed.sql"), MIXED);
    const statements = ["CREATE TABLE a (id int);", "INSERT INTO a VALUES (1);"];
    expect(readMigrationFiles(folder)).toEqual([
      // LF on disk: the bytes are the LF text, so two hashes.
      {
        tag: "0000_lf",
        createdAt: 1000,
        hash: SHA_LF,
        sameContentHashes: [SHA_LF, SHA_CRLF],
        statements,
        transactional: true,
      },
      // CRLF on disk: hashed as LF, the bytes are the CRLF text.
      {
        tag: "0001_crlf",
        createdAt: 2000,
        hash: SHA_LF,
        sameContentHashes: [SHA_LF, SHA_CRLF],
        statements,
        transactional: true,
      },
      // Mixed endings: the bytes on disk are a third hash of the same migration.
      {
        tag: "0002_mixed",
        createdAt: 3000,
        hash: SHA_LF,
        sameContentHashes: [SHA_LF, SHA_CRLF, SHA_MIXED],
        statements,
        transactional: true,
      },
    ]);
  });

  it("marks a file carrying the no-transaction marker in its leading comments", () => {
    const folder = folderForTest();
    writeJournal(folder, JSON.stringify({ entries: [entry(0, 1000, "0000_concurrently")] }));
    writeFileSync(
      join(folder, "0000_concurrently.sql"),
      `-- Built without blocking writers.\r\n${NO_TRANSACTION_MARKER}\r\nCREATE INDEX CONCURRENTLY i ON a (id);\r\n`,
    );
    const [read] = readMigrationFiles(folder);
    expect(read?.transactional).toBe(false);
    expect(read?.statements).toEqual([
      "-- Built without blocking writers.\n-- forusbots:no-transaction\nCREATE INDEX CONCURRENTLY i ON a (id);",
    ]);
  });

  it("reads an empty journal as no migrations", () => {
    const folder = folderForTest();
    writeJournal(folder, JSON.stringify({ entries: [] }));
    expect(readMigrationFiles(folder)).toEqual([]);
  });

  it("readScriptText makes CRLF line endings LF", () => {
    const folder = folderForTest();
    writeFileSync(join(folder, "x.down.sql"), "DROP TABLE a;\r\n-- done\r\n");
    expect(readScriptText(join(folder, "x.down.sql"))).toBe("DROP TABLE a;\n-- done\n");
  });
});

describe("splitStatements", () => {
  it("splits at drizzle's breakpoints, trims each statement and drops the empty ones", () => {
    expect(
      splitStatements(
        "  CREATE TABLE a (id int);\n--> statement-breakpoint\n\n--> statement-breakpoint\n   INSERT INTO a VALUES (1);  \n",
      ),
    ).toEqual(["CREATE TABLE a (id int);", "INSERT INTO a VALUES (1);"]);
  });

  it("leaves a file without breakpoints whole, and an empty file as no statements", () => {
    expect(splitStatements("SELECT 1;\nSELECT 2;\n")).toEqual(["SELECT 1;\nSELECT 2;"]);
    expect(splitStatements(" \n")).toEqual([]);
  });
});

describe("declaresNoTransaction looks only at the leading comment block", () => {
  it("finds the marker among leading comments and blank lines, indented or not", () => {
    expect(declaresNoTransaction(`-- why\n\n   ${NO_TRANSACTION_MARKER}  \nCREATE INDEX;`)).toBe(
      true,
    );
    expect(declaresNoTransaction(`${NO_TRANSACTION_MARKER}\nCREATE INDEX;`)).toBe(true);
  });

  it("ignores the marker after the first line of SQL", () => {
    expect(declaresNoTransaction(`-- why\nCREATE INDEX;\n${NO_TRANSACTION_MARKER}\n`)).toBe(false);
  });

  it("ignores a comment that only starts like the marker, and a file with no marker", () => {
    expect(declaresNoTransaction(`${NO_TRANSACTION_MARKER} please\nCREATE INDEX;`)).toBe(false);
    expect(declaresNoTransaction("-- only comments\n-- here\n")).toBe(false);
    expect(declaresNoTransaction("")).toBe(false);
  });
});
