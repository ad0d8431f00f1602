import { sql } from "drizzle-orm";
import { pgTable, serial, text } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { MIGRATIONS_FOLDER } from "../migrator/journal.ts";
import * as schema from "../schema/index.ts";
import { useTestDatabase } from "../testing/index.ts";
import { checkDrift } from "./check-drift.ts";
import { findUncapturedSchemaChanges } from "./uncaptured-changes.ts";

describe("drift between the live schema and the migrations", () => {
  const test = useTestDatabase({ connection: { maxConnections: 1 } });

  it("finds none on a freshly migrated database, nor between schema.ts and the last snapshot", async () => {
    const report = await checkDrift(test.handle);
    expect(report.differences).toEqual([]);
    expect(report.uncapturedSchemaChanges).toEqual([]);
    expect(report.pending).toEqual([]);
    expect(report.drifted).toBe(false);
  });

  it("names each hand-made change in plain words", async () => {
    await test.handle.query(sql`DROP INDEX idx_jobs_state`);
    await test.handle.query(sql`ALTER TABLE jobs ADD COLUMN priority integer`);
    await test.handle.query(sql`ALTER TABLE job_stages ALTER COLUMN error TYPE text`);
    const report = await checkDrift(test.handle, { skipSchemaCheck: true });
    expect(report.drifted).toBe(true);
    // Tables in name order (job_stages before jobs); per table: columns, constraints, indexes.
    expect(report.differences).toEqual([
      "column job_stages.error has type text, expected jsonb",
      "extra column jobs.priority (integer nullable)",
      "missing index idx_jobs_state on jobs (CREATE INDEX idx_jobs_state ON public.jobs USING btree (state))",
    ]);
  });
});

describe("schema.ts changes that no migration captures", () => {
  it("are listed as the SQL drizzle-kit would generate", async () => {
    const auditNotes = pgTable("audit_notes", {
      id: serial("id").primaryKey(),
      body: text("body").notNull(),
    });
    const changes = await findUncapturedSchemaChanges(MIGRATIONS_FOLDER, { ...schema, auditNotes });
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatch(
      /^CREATE TABLE "audit_notes" \(\s*"id" serial PRIMARY KEY NOT NULL,\s*"body" text NOT NULL\s*\);/,
    );
  });
});
