import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import type { DatabaseHandle } from "../client/handle.ts";
import { openDatabase, type PostgresOptions } from "../client/index.ts";
import { createServerDatabase, dropServerDatabases } from "../client/server-databases.ts";
import type { DatabaseTarget } from "../config.ts";
import { runMigrations } from "../migrator/index.ts";

export interface TestDatabase {
  readonly engine: "postgres" | "pglite";
  readonly target: DatabaseTarget;
  /** Says which engine, for test names and failure messages. */
  readonly label: string;
  /** Variables that point a child process (the CLI) at this database. */
  readonly env: Record<string, string>;
  /** A new handle; on PGlite only one may be open at a time (the directory is locked). */
  open(options?: PostgresOptions): Promise<DatabaseHandle>;
  /** Drops the database (or deletes the PGlite directory). */
  dispose(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /** Apply every migration before returning (default true). */
  migrated?: boolean;
}

/**
 * A database of its own for one test file, so files run in parallel without sharing rows. On
 * PostgreSQL it is a new database on the chosen server (named `audit_<random>_test`, which the
 * guarded reset accepts); on PGlite a copy of a template data directory (see pglite-templates.ts)
 * under the system temp folder.
 */
export async function createTestDatabase(
  options: CreateTestDatabaseOptions = {},
): Promise<TestDatabase> {
  const provided = inject("auditTestDatabase");
  const migrated = options.migrated ?? true;
  if (provided.engine === "pglite") {
    return createPgliteDatabase(
      provided.label,
      migrated ? provided.templates.migrated : provided.templates.empty,
    );
  }
  const database = await createPostgresDatabase(provided.adminUrl, provided.label);
  if (migrated) await runMigrations(database.target);
  return database;
}

async function createPostgresDatabase(adminUrl: string, label: string): Promise<TestDatabase> {
  const name = `audit_${randomBytes(6).toString("hex")}_test`;
  const target = await createServerDatabase(adminUrl, name);
  return {
    engine: "postgres",
    target,
    label,
    env: { DATABASE_URL: target.url },
    open: (openOptions) => openDatabase(target, openOptions),
    dispose: () => dropServerDatabases(adminUrl, [name]),
  };
}

function createPgliteDatabase(label: string, template: string): TestDatabase {
  const folder = mkdtempSync(join(tmpdir(), "forusbots-audit-test-"));
  const target: DatabaseTarget = { engine: "pglite", dataDir: join(folder, "db") };
  cpSync(template, target.dataDir, { recursive: true });
  return {
    engine: "pglite",
    target,
    label,
    env: { AUDIT_DB_PATH: target.dataDir },
    open: () => openDatabase(target),
    dispose: async () => rmSync(folder, { recursive: true, force: true }),
  };
}
