import { existsSync } from "node:fs";
import { join } from "node:path";
import { MigrationError } from "../errors.ts";
import {
  declaresNoTransaction,
  type MigrationFile,
  readScriptText,
  splitStatements,
} from "./journal.ts";
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
  const text = readScriptText(path);
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

/** `"public"."jobs"`, `jobs` or `public.jobs` → `jobs` (the audit tables live in one schema). */
function tableName(reference: string): string {
  const last = reference.trim().split(".").at(-1) ?? "";
  return last.startsWith('"') ? last.slice(1, -1).replaceAll('""', '"') : last.toLowerCase();
}

const DROP_TABLE =
  /^\s*DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?(.+?)(?:\s+(?:CASCADE|RESTRICT))?\s*;?\s*$/is;

/**
 * The tables a script drops with `DROP TABLE`, in order: what rollback names (with their rows)
 * before it runs and what its production guard weighs. Down scripts are hand-written and drop
 * their tables by name, one statement each or comma-separated; comments are skipped.
 */
export function tablesDroppedBy(script: Pick<Script, "statements">): string[] {
  return script.statements.flatMap((statement) => {
    const code = statement
      .split("\n")
      .filter((line) => !line.trim().startsWith("--"))
      .join("\n");
    const match = DROP_TABLE.exec(code);
    return match?.[1] ? match[1].split(",").map(tableName) : [];
  });
}
