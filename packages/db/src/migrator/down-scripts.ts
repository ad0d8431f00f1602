import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MigrationError } from "../errors.ts";
import { declaresNoTransaction, type MigrationFile, splitStatements } from "./journal.ts";
import type { Script } from "./run-script.ts";

/** `0003_ms_durations.sql` is undone by the hand-written `0003_ms_durations.down.sql` beside it. */
export const downScriptName = (tag: string): string => `${tag}.down.sql`;

/** Reads the down script of `file`, refusing a missing or empty one before anything runs. */
export function readDownScript(folder: string, file: MigrationFile): Script {
  const path = join(folder, downScriptName(file.tag));
  if (!existsSync(path)) {
    throw new MigrationError(
      `migration ${file.tag} has no down script (${path}); write one before rolling it back`,
    );
  }
  const text = readFileSync(path, "utf8");
  const statements = splitStatements(text);
  if (statements.every((statement) => /^(--[^\n]*\n?\s*)*$/.test(statement))) {
    throw new MigrationError(`down script ${path} has no statements`);
  }
  return {
    label: `down script ${downScriptName(file.tag)}`,
    statements,
    transactional: !declaresNoTransaction(text),
  };
}
