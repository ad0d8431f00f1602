import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { DatabaseHandle } from "./client/handle.ts";
import { openDatabase } from "./client/index.ts";
import { translateDriverError } from "./failures/index.ts";
import { migrate, rollback } from "./migrator/index.ts";
import { AUDIT_ROLES, setAuditRoleMembership } from "./roles.ts";
import { ROLLUP_TRIGGER_FUNCTIONS } from "./schema/index.ts";
import { createLoginRole, type TestLoginRole, useTestDatabase } from "./testing/index.ts";

// PGlite has one user and no logins: login roles are a PostgreSQL matter.
const onPostgres = inject("auditTestDatabase").engine === "postgres";

const READER = AUDIT_ROLES.reader;
const WRITER = AUDIT_ROLES.writer;
const ROLES_MIGRATION = "0007_least_privilege_roles";
const BEFORE_ROLES = "0006_bot_job_hourly_hour_index";

/** Every table and view of the audit schema, as the catalog lists them. */
async function auditRelations(handle: DatabaseHandle): Promise<string[]> {
  const rows = await handle.query<{ name: string }>(sql`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'p') ORDER BY 1`);
  return rows.map((row) => row.name);
}

/** The privileges `role` holds on `relation`, of those that matter here. */
async function privileges(handle: DatabaseHandle, role: string, relation: string) {
  const kinds = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"];
  const held: string[] = [];
  for (const kind of kinds) {
    const [row] = await handle.query<{ held: boolean }>(
      sql`SELECT has_table_privilege(${role}, ${`public.${relation}`}, ${kind}) AS held`,
    );
    if (row?.held) held.push(kind);
  }
  return held;
}

describe("migration 0007_least_privilege_roles", () => {
  const context = useTestDatabase({ connection: { maxConnections: 1 } });

  it("creates the NOLOGIN group roles (on PGlite too, where there is no login to give them)", async () => {
    const rows = await context.handle.query<{ rolname: string; rolcanlogin: boolean }>(sql`
      SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname IN (${READER}, ${WRITER})
      ORDER BY rolname`);
    expect(rows).toEqual([
      { rolname: READER, rolcanlogin: false },
      { rolname: WRITER, rolcanlogin: false },
    ]);
  });

  it("the reader may SELECT every audit table and view, and nothing more", async () => {
    const relations = await auditRelations(context.handle);
    // A table or view a later migration adds without granting it fails here.
    expect(relations.length).toBeGreaterThanOrEqual(11);
    for (const relation of relations) {
      expect([relation, await privileges(context.handle, READER, relation)]).toEqual([
        relation,
        ["SELECT"],
      ]);
    }
  });

  it("the writer may SELECT, INSERT and UPDATE jobs and job_stages, and has no right on anything else", async () => {
    for (const relation of await auditRelations(context.handle)) {
      const expected = ["jobs", "job_stages"].includes(relation)
        ? ["SELECT", "INSERT", "UPDATE"]
        : [];
      expect([relation, await privileges(context.handle, WRITER, relation)]).toEqual([
        relation,
        expected,
      ]);
    }
    const [sequence] = await context.handle.query<{ usage: boolean; update: boolean }>(sql`
      SELECT has_sequence_privilege(${WRITER}, 'job_stages_id_seq', 'USAGE') AS usage,
             has_sequence_privilege(${WRITER}, 'job_stages_id_seq', 'UPDATE') AS update`);
    expect(sequence).toEqual({ usage: true, update: false });
  });

  it("both may read the migration history (read commands check it) but not change it", async () => {
    for (const role of [READER, WRITER]) {
      const [row] = await context.handle.query<{ select: boolean; insert: boolean }>(sql`
        SELECT has_table_privilege(${role}, 'drizzle.__drizzle_migrations', 'SELECT') AS select,
               has_table_privilege(${role}, 'drizzle.__drizzle_migrations', 'INSERT') AS insert`);
      expect(row).toEqual({ select: true, insert: false });
    }
  });

  it("the rollup trigger functions run as their owner with a fixed search_path, executable by no one else", async () => {
    const rows = await context.handle.query<{
      name: string;
      definer: boolean;
      config: string[] | null;
      public_execute: boolean;
    }>(sql`
      SELECT p.proname AS name, p.prosecdef AS definer, p.proconfig AS config,
             has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'public' AND p.proname IN (${sql.join(
        ROLLUP_TRIGGER_FUNCTIONS.map((name) => sql`${name}`),
        sql`, `,
      )})
      ORDER BY 1`);
    expect(rows.map((row) => row.name)).toEqual([...ROLLUP_TRIGGER_FUNCTIONS].sort());
    for (const row of rows) {
      expect(row).toMatchObject({
        definer: true,
        config: ["search_path=public, pg_temp"],
        public_execute: false,
      });
    }
  });

  it("its down script takes the grants back and leaves the cluster's roles; migrating again restores it all", async () => {
    // Back to the migration before the roles, whatever was added after them.
    const rolledBack = await rollback(context.handle, { to: BEFORE_ROLES });
    expect(rolledBack.rolledBack).toContain(ROLES_MIGRATION);
    expect(await privileges(context.handle, READER, "jobs")).toEqual([]);
    expect(await privileges(context.handle, WRITER, "jobs")).toEqual([]);
    const [fn] = await context.handle.query<{ definer: boolean; config: string[] | null }>(sql`
      SELECT prosecdef AS definer, proconfig AS config FROM pg_proc
      WHERE proname = 'job_rollups_apply'`);
    expect(fn).toEqual({ definer: false, config: null });
    const [roles] = await context.handle.query<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM pg_roles WHERE rolname IN (${READER}, ${WRITER})`,
    );
    expect(roles?.count).toBe(2);
    // The roles exist now: the migration skips creating them.
    expect((await migrate(context.handle)).applied).toEqual([...rolledBack.rolledBack].reverse());
    expect(await privileges(context.handle, READER, "jobs")).toEqual(["SELECT"]);
    expect(await privileges(context.handle, WRITER, "jobs")).toEqual([
      "SELECT",
      "INSERT",
      "UPDATE",
    ]);
  });
});

describe.runIf(onPostgres)("login roles in the groups (PostgreSQL)", () => {
  const context = useTestDatabase({ connection: { maxConnections: 1 } });
  let reader: TestLoginRole;
  let writer: TestLoginRole;
  let asReader: DatabaseHandle;
  let asWriter: DatabaseHandle;
  beforeAll(async () => {
    if (context.database.engine !== "postgres") return;
    reader = await createLoginRole(context.database, "reader");
    writer = await createLoginRole(context.database, "writer");
    await setAuditRoleMembership(context.handle, "reader", reader.name, "grant");
    await setAuditRoleMembership(context.handle, "writer", writer.name, "grant");
    asReader = await openDatabase({ engine: "postgres", url: reader.url }, { maxConnections: 1 });
    asWriter = await openDatabase({ engine: "postgres", url: writer.url }, { maxConnections: 1 });
  });
  afterAll(async () => {
    await asReader?.close();
    await asWriter?.close();
    await reader?.dispose();
    await writer?.dispose();
  });

  const JOB = "00000000-0000-4000-8000-000000000001";
  const refused = async (handle: DatabaseHandle, statement: ReturnType<typeof sql>) => {
    const error = await handle.query(statement).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).not.toBeNull();
    // 42501 insufficient_privilege, which the translator calls refused (exit 8).
    expect(translateDriverError(error)).toMatchObject({ kind: "refused" });
  };

  it("the writer records a job and its stage; the rollups follow through the definer's triggers", async () => {
    await asWriter.query(sql`
      INSERT INTO jobs (job_id, bot_id, state, accepted_at, started_at, finished_at)
      VALUES (${JOB}, 'bot-w', 'succeeded', '2026-03-01T10:00:00Z', '2026-03-01T10:00:01Z',
              '2026-03-01T10:00:04Z')`);
    await asWriter.query(sql`
      INSERT INTO job_stages (job_id, stage_name, started_at, ended_at, status)
      VALUES (${JOB}, 'login', '2026-03-01T10:00:01Z', '2026-03-01T10:00:02.5Z', 'succeed')`);
    await asWriter.query(sql`UPDATE jobs SET result = '{"rows": 1}' WHERE job_id = ${JOB}`);
    const [totals] = await context.handle.query(
      sql`SELECT succeeded_jobs, timed_jobs, duration_seconds_sum::text AS seconds
          FROM bot_job_totals WHERE bot_id = 'bot-w'`,
    );
    expect(totals).toEqual({ succeeded_jobs: 1, timed_jobs: 1, seconds: "3.000000" });
    const [stage] = await context.handle.query(
      sql`SELECT sum(total_runs)::int AS total_runs, sum(duration_ms_sum)::int AS duration_ms_sum
          FROM stage_totals WHERE stage_name = 'login'`,
    );
    expect(stage).toEqual({ total_runs: 1, duration_ms_sum: 1500 });
  });

  it("the writer cannot DELETE, TRUNCATE, ALTER or DROP, nor touch the rollups directly", async () => {
    await refused(asWriter, sql`DELETE FROM jobs WHERE job_id = ${JOB}`);
    await refused(asWriter, sql`DELETE FROM job_stages`);
    await refused(asWriter, sql`TRUNCATE jobs CASCADE`);
    await refused(asWriter, sql`TRUNCATE job_stages`);
    await refused(asWriter, sql`ALTER TABLE jobs ADD COLUMN x int`);
    await refused(asWriter, sql`DROP TABLE job_stages`);
    await refused(asWriter, sql`DROP VIEW recent_jobs`);
    await refused(asWriter, sql`UPDATE bot_job_totals SET succeeded_jobs = 0`);
    await refused(asWriter, sql`INSERT INTO stage_totals (stage_name) VALUES ('forged')`);
    await refused(asWriter, sql`DROP FUNCTION job_rollups_apply()`);
  });

  it("a writer's search_path cannot redirect the definer's triggers", async () => {
    // A schema of the writer's own with a decoy rollup table, put first in its search_path:
    // the trigger must still write public.bot_job_totals.
    const schema = `decoy_${writer.name}`;
    await context.handle.query(
      sql`CREATE SCHEMA ${sql.identifier(schema)} AUTHORIZATION ${sql.identifier(writer.name)}`,
    );
    await asWriter.query(sql`
        CREATE TABLE ${sql.identifier(schema)}.bot_job_totals (
          bot_id text PRIMARY KEY, queued_jobs int NOT NULL DEFAULT 0,
          running_jobs int NOT NULL DEFAULT 0, succeeded_jobs int NOT NULL DEFAULT 0,
          failed_jobs int NOT NULL DEFAULT 0, canceled_jobs int NOT NULL DEFAULT 0,
          timed_jobs int NOT NULL DEFAULT 0, duration_seconds_sum numeric NOT NULL DEFAULT 0)`);
    await asWriter.query(sql`SET search_path = ${sql.identifier(schema)}, public`);
    await asWriter.query(sql`
      INSERT INTO jobs (job_id, bot_id, state, accepted_at)
      VALUES ('00000000-0000-4000-8000-000000000002', 'bot-w', 'queued', '2026-03-01T11:00:00Z')`);
    const [decoy] = await asWriter.query<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM ${sql.identifier(schema)}.bot_job_totals`,
    );
    expect(decoy?.count).toBe(0);
    const [totals] = await context.handle.query(
      sql`SELECT queued_jobs FROM public.bot_job_totals WHERE bot_id = 'bot-w'`,
    );
    expect(totals).toEqual({ queued_jobs: 1 });
    await asWriter.query(sql`RESET search_path`);
    await context.handle.query(sql`DROP SCHEMA ${sql.identifier(schema)} CASCADE`);
  });

  it("the reader reads every table and view and cannot INSERT, UPDATE, DELETE, TRUNCATE, ALTER or DROP", async () => {
    for (const relation of await auditRelations(context.handle)) {
      await asReader.query(sql`SELECT * FROM ${sql.identifier(relation)} LIMIT 1`);
    }
    await refused(
      asReader,
      sql`INSERT INTO jobs (job_id, bot_id, state, accepted_at)
          VALUES ('00000000-0000-4000-8000-000000000003', 'bot-r', 'queued', now())`,
    );
    await refused(asReader, sql`UPDATE jobs SET bot_id = 'x'`);
    await refused(asReader, sql`DELETE FROM job_stages`);
    await refused(asReader, sql`TRUNCATE jobs CASCADE`);
    await refused(asReader, sql`ALTER TABLE jobs DROP COLUMN meta`);
    await refused(asReader, sql`DROP TABLE jobs CASCADE`);
    await refused(asReader, sql`DROP VIEW job_metrics_by_bot`);
    await refused(asReader, sql`UPDATE bot_job_totals SET succeeded_jobs = 0`);
    await refused(asReader, sql`DELETE FROM drizzle.__drizzle_migrations`);
    await refused(asReader, sql`CREATE TABLE public.intruder (id int)`);
  });

  it("grant is idempotent, revoke takes the rights away, and unknown or NOLOGIN roles are refused", async () => {
    expect(await setAuditRoleMembership(context.handle, "reader", reader.name, "grant")).toEqual({
      group: READER,
      member: reader.name,
      action: "grant",
      changed: false,
    });
    const revoked = await setAuditRoleMembership(context.handle, "reader", reader.name, "revoke");
    expect(revoked.changed).toBe(true);
    const fresh = await openDatabase(
      { engine: "postgres", url: reader.url },
      { maxConnections: 1 },
    );
    try {
      await refused(fresh, sql`SELECT 1 FROM jobs`);
    } finally {
      await fresh.close();
    }
    await setAuditRoleMembership(context.handle, "reader", reader.name, "grant");
    await expect(
      setAuditRoleMembership(context.handle, "writer", `${reader.name}_missing`, "grant"),
    ).rejects.toMatchObject({ kind: "not_found" });
    await expect(
      setAuditRoleMembership(context.handle, "writer", WRITER, "grant"),
    ).rejects.toMatchObject({ kind: "usage" });
    await expect(
      setAuditRoleMembership(context.handle, "reader", "pg_monitor", "grant"),
    ).rejects.toThrow(/cannot log in/);
  });

  it("a login role without CREATEROLE or ADMIN OPTION cannot hand out the groups (refused, exit 8)", async () => {
    const asReaderGranting = setAuditRoleMembership(asReader, "writer", reader.name, "grant");
    await expect(asReaderGranting).rejects.toMatchObject({ kind: "refused" });
    await expect(asReaderGranting).rejects.toThrow(
      new RegExp(
        `^the database refused it: .*or have an administrator run GRANT ${WRITER} TO "${reader.name}"`,
      ),
    );
  });
});

describe.runIf(!onPostgres)("grant on the embedded database", () => {
  const context = useTestDatabase();
  it("is refused with the reason: one user, no logins", async () => {
    await expect(
      setAuditRoleMembership(context.handle, "reader", "anyone", "grant"),
    ).rejects.toThrow(/single user and no logins/);
  });
});
