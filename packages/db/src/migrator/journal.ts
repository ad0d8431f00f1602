import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { MigrationError } from "../errors.ts";

/**
 * The migrations drizzle-kit generated for this package (`packages/db/migrations`). Found through
 * the package's name, not relative to this module: bundled, this code runs from a file elsewhere
 * (packages/db/dist/, apps/cli/dist/) whose import.meta.url is its own, and the name resolves to
 * this package from either place, as it does from the sources.
 */
export const MIGRATIONS_FOLDER = join(
  dirname(createRequire(import.meta.url).resolve("@forusbots/db/package.json")),
  "migrations",
);

const STATEMENT_BREAKPOINT = "--> statement-breakpoint";

/**
 * A migration whose leading comment block holds this line runs outside a transaction, statement by
 * statement: PostgreSQL refuses `CREATE INDEX CONCURRENTLY` (and a few others) inside one.
 */
export const NO_TRANSACTION_MARKER = "-- forusbots:no-transaction";

export interface MigrationFile {
  /** File name without `.sql`, e.g. `0003_ms_durations`. */
  tag: string;
  /** drizzle-kit's journal timestamp; drizzle stores it as `created_at` of the applied row. */
  createdAt: number;
  /**
   * sha256 of the whole file with LF line endings, computed as drizzle-orm's migrator does on a
   * checkout with the line endings the repository stores (`.gitattributes` keeps them LF): the
   * hash this runner records, and the one drizzle-orm records.
   */
  hash: string;
  /**
   * Every hash that means this same migration: {@link hash}, the file with CRLF line endings (a
   * database migrated from a Windows checkout by drizzle-kit) and the bytes on disk. A tracking
   * row holding any of them is this migration, unedited; line endings are not an edit.
   */
  sameContentHashes: string[];
  statements: string[];
  /** False when the file carries {@link NO_TRANSACTION_MARKER}. */
  transactional: boolean;
}

interface JournalEntry {
  idx: number;
  when: number;
  tag: string;
  breakpoints: boolean;
}

function readJournal(folder: string): JournalEntry[] {
  const journalPath = join(folder, "meta", "_journal.json");
  if (!existsSync(journalPath)) {
    throw new MigrationError(`no migration journal at ${journalPath}`);
  }
  try {
    const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries?: JournalEntry[] };
    if (!Array.isArray(journal.entries)) throw new Error("it has no entries array");
    return journal.entries;
  } catch (error) {
    throw new MigrationError(`cannot read ${journalPath}: ${(error as Error).message}`);
  }
}

/** A migration or down script as it is run and hashed: line endings made LF. */
export function readScriptText(path: string): string {
  return readFileSync(path, "utf8").replace(/\r\n/g, "\n");
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** Splits a migration or down script into statements the way drizzle-orm's migrator does. */
export function splitStatements(text: string): string[] {
  return text
    .split(STATEMENT_BREAKPOINT)
    .map((statement) => statement.trim())
    .filter((statement) => statement !== "");
}

/** Whether the comment lines at the top of the file carry the no-transaction marker. */
export function declaresNoTransaction(text: string): boolean {
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "") continue;
    if (!trimmed.startsWith("--")) return false;
    if (trimmed === NO_TRANSACTION_MARKER) return true;
  }
  return false;
}

/**
 * The journal's `when` is what drizzle stores as `created_at` and how both runners order
 * migrations, so an entry moved in the journal (or given an older time) would be applied out of
 * order or not at all by drizzle-orm: refuse it up front.
 */
function checkJournalOrder(entries: JournalEntry[], journalPath: string): void {
  for (const [index, entry] of entries.entries()) {
    const previous = entries[index - 1];
    if (previous && entry.when <= previous.when) {
      throw new MigrationError(
        `${journalPath}: migration ${entry.tag} (when ${entry.when}) is listed after ${previous.tag} (when ${previous.when}) but is not newer: the journal was re-ordered`,
      );
    }
  }
}

/** Reads the journal and every migration it lists, in journal order. */
export function readMigrationFiles(folder: string = MIGRATIONS_FOLDER): MigrationFile[] {
  const entries = readJournal(folder);
  checkJournalOrder(entries, join(folder, "meta", "_journal.json"));
  return entries.map((entry) => {
    const path = join(folder, `${entry.tag}.sql`);
    if (!existsSync(path)) {
      throw new MigrationError(`the journal lists ${entry.tag} but ${path} does not exist`);
    }
    const onDisk = readFileSync(path, "utf8");
    const text = onDisk.replace(/\r\n/g, "\n");
    const hash = sha256(text);
    return {
      tag: entry.tag,
      createdAt: entry.when,
      hash,
      sameContentHashes: [...new Set([hash, sha256(text.replace(/\n/g, "\r\n")), sha256(onDisk)])],
      statements: splitStatements(text),
      transactional: !declaresNoTransaction(text),
    };
  });
}
