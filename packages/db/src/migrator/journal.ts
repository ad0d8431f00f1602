import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MigrationError } from "../errors.ts";

/** The migrations drizzle-kit generated for this package (`packages/db/migrations`). */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../migrations", import.meta.url));

const STATEMENT_BREAKPOINT = "--> statement-breakpoint";

export interface MigrationFile {
  /** File name without `.sql`, e.g. `0003_ms_durations`. */
  tag: string;
  /** drizzle-kit's journal timestamp; drizzle stores it as `created_at` of the applied row. */
  createdAt: number;
  /** sha256 of the whole file, computed exactly as drizzle-orm's migrator does. */
  hash: string;
  statements: string[];
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

/** Reads the journal and every migration it lists, in journal order. */
export function readMigrationFiles(folder: string = MIGRATIONS_FOLDER): MigrationFile[] {
  return readJournal(folder).map((entry) => {
    const path = join(folder, `${entry.tag}.sql`);
    if (!existsSync(path)) {
      throw new MigrationError(`the journal lists ${entry.tag} but ${path} does not exist`);
    }
    const text = readFileSync(path, "utf8");
    const statements = text
      .split(STATEMENT_BREAKPOINT)
      .map((statement) => statement.trim())
      .filter((statement) => statement !== "");
    return {
      tag: entry.tag,
      createdAt: entry.when,
      hash: createHash("sha256").update(text).digest("hex"),
      statements,
    };
  });
}
