import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MIGRATIONS_FOLDER, type MigrationFile, readMigrationFiles } from "../migrator/journal.ts";

/**
 * Test fixture: a copy of the real migrations folder in the temp directory, with extra migrations
 * appended to its journal, so tests can add, edit or remove migrations without touching the repo.
 */
export interface ScratchMigrations {
  folder: string;
  /** The migrations as the runner reads them now (call again after editing). */
  files(): MigrationFile[];
  /** Appends a migration to the journal, `when` one second after the newest unless given. */
  add(tag: string, text: string, when?: number): void;
  path(name: string): string;
  dispose(): void;
}

interface Journal {
  entries: { idx: number; version: string; when: number; tag: string; breakpoints: boolean }[];
}

export function createScratchMigrations(): ScratchMigrations {
  const folder = mkdtempSync(join(tmpdir(), "forusbots-migrations-"));
  cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  const journalPath = join(folder, "meta", "_journal.json");
  return {
    folder,
    files: () => readMigrationFiles(folder),
    add(tag, text, when) {
      const journal = JSON.parse(readFileSync(journalPath, "utf8")) as Journal;
      const newest = journal.entries.at(-1)?.when ?? 0;
      journal.entries.push({
        idx: journal.entries.length,
        version: "7",
        when: when ?? newest + 1000,
        tag,
        breakpoints: true,
      });
      writeFileSync(join(folder, `${tag}.sql`), text);
      writeFileSync(journalPath, JSON.stringify(journal, null, 2));
    },
    path: (name) => join(folder, name),
    dispose: () => rmSync(folder, { recursive: true, force: true }),
  };
}
