import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { migrateCommand } from "../src/migrator/command-line/index.ts";
import { readMigrationFiles } from "../src/migrator/journal.ts";
import { runMigrations } from "../src/migrator/migrate.ts";
import { PrivateCluster } from "../src/testing/index.ts";

/**
 * What the shared test server cannot show, since its audit roles exist from the first run on it:
 * a cluster that has never seen them. A throw-away PostgreSQL cluster of this file's own (initdb
 * into a temp folder, a free port, run as the `postgres` OS user) shows the migration with a
 * migrating role that may not create roles, the SQL it hands an administrator, and many
 * databases migrating at once, racing to create the same roles.
 */
const BINARIES = PrivateCluster.findBinaries();
const runnable = inject("auditTestDatabase").engine === "postgres" && BINARIES !== null;
const TAGS = readMigrationFiles().map((file) => file.tag);
const CONCURRENT = 6;

describe.runIf(runnable)("the audit roles on a cluster that has never had them", () => {
  let cluster: PrivateCluster | undefined;
  const url = (user: string, database: string) => {
    if (cluster === undefined) throw new Error("the private cluster did not start");
    return cluster.urlFor(user, database);
  };
  const superuser = (database = "postgres") =>
    postgres(url("postgres", database), { max: 1, onnotice: () => {} });

  beforeAll(async () => {
    if (BINARIES !== null) cluster = await PrivateCluster.start(BINARIES);
  }, 120_000);
  afterAll(async () => {
    await cluster?.destroy();
  });

  it("a migrating role without CREATEROLE migrates, is warned, and gets the SQL an administrator runs", async () => {
    const admin = superuser();
    await admin.unsafe("CREATE ROLE audit_owner LOGIN");
    await admin.unsafe("CREATE DATABASE audit_owned_test OWNER audit_owner");
    await admin.end();

    const lines: string[] = [];
    const result = await migrateCommand(
      { engine: "postgres", url: url("audit_owner", "audit_owned_test") },
      {},
      { print: (text) => lines.push(text), printJson: () => {} },
    );
    expect(result.applied).toEqual(TAGS);
    const warning = lines.find((line) => line.startsWith("  warning: "));
    expect(warning).toContain(
      "the roles audit_reader and audit_writer do not exist and audit_owner may not create them",
    );
    const hint = warning?.split("\n    ")[1] ?? "";
    expect(hint).toMatch(
      /^a superuser runs, in database audit_owned_test: CREATE ROLE audit_reader NOLOGIN; CREATE ROLE audit_writer NOLOGIN; GRANT SELECT ON /,
    );

    // The administrator runs exactly that, and the roles hold what a migration would grant.
    const inDatabase = superuser("audit_owned_test");
    try {
      await inDatabase.unsafe(
        hint.replace(/^a superuser runs, in database audit_owned_test: /, ""),
      );
      const [rights] = await inDatabase.unsafe(`
        SELECT has_table_privilege('audit_reader', 'recent_jobs', 'SELECT') AS reader_reads,
               has_table_privilege('audit_reader', 'jobs', 'INSERT') AS reader_writes,
               has_table_privilege('audit_writer', 'jobs', 'INSERT') AS writer_writes,
               has_table_privilege('audit_writer', 'jobs', 'DELETE') AS writer_deletes,
               has_table_privilege('audit_writer', 'drizzle.__drizzle_migrations', 'SELECT') AS history`);
      expect(rights).toEqual({
        reader_reads: true,
        reader_writes: false,
        writer_writes: true,
        writer_deletes: false,
        history: true,
      });
      // Back to a cluster without the roles, for the race below.
      await inDatabase.unsafe("DROP OWNED BY audit_reader, audit_writer");
    } finally {
      await inDatabase.end();
    }
    const admin2 = superuser();
    await admin2.unsafe("DROP ROLE audit_reader, audit_writer");
    await admin2.end();
  }, 120_000);

  it(`${CONCURRENT} databases migrating at once all create or find the roles, and all are granted`, async () => {
    const admin = superuser();
    const names = Array.from({ length: CONCURRENT }, (_, n) => `audit_race_${n}_test`);
    for (const name of names) await admin.unsafe(`CREATE DATABASE ${name}`);
    try {
      const outcomes = await Promise.allSettled(
        names.map((name) => runMigrations({ engine: "postgres", url: url("postgres", name) })),
      );
      for (const outcome of outcomes) {
        expect(outcome.status === "fulfilled" ? outcome.value.applied : outcome.reason).toEqual(
          TAGS,
        );
      }
      const roles = await admin.unsafe(
        "SELECT rolname FROM pg_roles WHERE rolname IN ('audit_reader', 'audit_writer') ORDER BY 1",
      );
      expect(roles.map((row) => row.rolname)).toEqual(["audit_reader", "audit_writer"]);
      for (const name of names) {
        const inDatabase = superuser(name);
        try {
          const [rights] = await inDatabase.unsafe(
            "SELECT has_table_privilege('audit_reader', 'jobs', 'SELECT') AS reads, has_table_privilege('audit_writer', 'job_stages', 'INSERT') AS writes",
          );
          expect([name, rights]).toEqual([name, { reads: true, writes: true }]);
        } finally {
          await inDatabase.end();
        }
      }
    } finally {
      await admin.end();
    }
  }, 180_000);
});
