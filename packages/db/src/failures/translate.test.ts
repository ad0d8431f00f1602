import { randomUUID } from "node:crypto";
import { inspect } from "node:util";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openDatabase } from "../client/index.ts";
import {
  AuditError,
  ConnectionError,
  DatabaseBusyError,
  EXIT_CODES,
  SchemaMissingError,
} from "../errors.ts";
import { jobs } from "../schema/index.ts";
import {
  closedLoopbackPort,
  createTestDatabase,
  type TestDatabase,
  useTestDatabase,
} from "../testing/index.ts";
import { describeFailure } from "./describe-failure.ts";
import { describeStack } from "./stack.ts";
import { classifyDriverError, translateDriverError, UnexpectedDatabaseError } from "./translate.ts";

/** Stands for anything an event may carry that nobody else may read. */
const SECRET = "hunter2-in-meta";

const onPostgres = inject("auditTestDatabase").engine === "postgres";
const test = useTestDatabase();

/** What a failing statement throws, as the code above the driver meets it (drizzle's wrapper). */
async function failureOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error("expected the statement to fail");
}

/** Everything a person could be shown about a failure: the line, the stacks, a logged object. */
function everythingShown(error: unknown): string {
  const translated = translateDriverError(error);
  return [
    describeFailure(error).message,
    describeStack(translated),
    inspect(translated, { depth: 10 }),
  ].join("\n");
}

describe("the driver-error translator, on real errors of the test engine", () => {
  it("reads a missing table as the schema missing: exit 4, the one message", async () => {
    const error = await failureOf(() =>
      test.handle.db.execute(sql`SELECT * FROM no_such_audit_table`),
    );
    expect(classifyDriverError(error)).toMatchObject({ kind: "schema", code: "42P01" });
    const translated = translateDriverError(error);
    expect(translated).toBeInstanceOf(SchemaMissingError);
    expect(describeFailure(error)).toEqual({
      message: "the audit tables do not exist: run migrate first",
      exitCode: 4,
    });
  });

  it("reads a check violation as data the database refuses, naming the constraint, not the row", async () => {
    const error = await failureOf(() =>
      test.handle.db
        .insert(jobs)
        .values({ jobId: randomUUID(), botId: "", meta: { password: SECRET } }),
    );
    const failure = classifyDriverError(error);
    expect(failure).toMatchObject({
      kind: "data",
      code: "23514",
      constraint: "ck_jobs_bot_id_not_empty",
    });
    // The row is in PostgreSQL's detail, which is why the detail is never part of a message.
    expect(failure?.detail).toContain(SECRET);
    expect(describeFailure(error)).toEqual({
      message:
        'refused by the database: new row for relation "jobs" violates check constraint "ck_jobs_bot_id_not_empty" (SQLSTATE 23514)',
      exitCode: EXIT_CODES.validation,
    });
    expect(everythingShown(error)).not.toContain(SECRET);
  });

  it("masks the input PostgreSQL quotes in a data exception", async () => {
    const error = await failureOf(() => test.handle.db.execute(sql`SELECT ${SECRET}::uuid`));
    expect(classifyDriverError(error)).toMatchObject({ kind: "data", code: "22P02" });
    expect(describeFailure(error).message).toBe(
      'refused by the database: invalid input syntax for type uuid: "…" (SQLSTATE 22P02)',
    );
    expect(everythingShown(error)).not.toContain(SECRET);
  });

  it("reads a lock timeout as busy: exit 9, nothing changed, try again", async () => {
    let error: unknown;
    if (onPostgres) {
      // A real conflict: another session holds the table while this one may wait 100 ms.
      const holder = await test.database.open({ maxConnections: 1 });
      const waiter = await test.database.open({ maxConnections: 1 });
      try {
        await holder.query(sql`BEGIN`);
        await holder.query(sql`LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE`);
        error = await failureOf(() =>
          waiter.db.transaction(async (tx) => {
            await tx.execute(sql`SET LOCAL lock_timeout = '100ms'`);
            await tx.execute(sql`SELECT count(*) FROM jobs WHERE bot_id = ${SECRET}`);
          }),
        );
      } finally {
        await holder.query(sql`ROLLBACK`);
        await holder.close();
        await waiter.close();
      }
    } else {
      // PGlite has one session, so no lock can be contended: the engine itself raises the
      // SQLSTATE, and it reaches the translator through the real driver and drizzle.
      error = await failureOf(() =>
        test.handle.db.execute(
          sql`DO $$ BEGIN RAISE EXCEPTION 'canceling statement due to lock timeout' USING ERRCODE = 'lock_not_available'; END $$`,
        ),
      );
    }
    expect(classifyDriverError(error)).toMatchObject({ kind: "busy", code: "55P03" });
    expect(translateDriverError(error)).toBeInstanceOf(DatabaseBusyError);
    expect(describeFailure(error)).toEqual({
      message:
        "the database timed out waiting for a lock: canceling statement due to lock timeout (SQLSTATE 55P03); nothing was changed, try again",
      exitCode: 9,
    });
    expect(everythingShown(error)).not.toContain(SECRET);
  });

  it.runIf(onPostgres)(
    "reads a statement timeout as busy: took too long, narrow the range",
    async () => {
      const error = await failureOf(() =>
        test.handle.db.transaction(async (tx) => {
          await tx.execute(sql`SET LOCAL statement_timeout = '50ms'`);
          await tx.execute(sql`SELECT pg_sleep(2)`);
        }),
      );
      expect(classifyDriverError(error)).toMatchObject({ kind: "busy", code: "57014" });
      expect(describeFailure(error)).toEqual({
        message:
          "the query took too long and was cancelled (statement_timeout, or an operator): narrow the range it reads (from/to, a bot) or try again when the database is less busy: canceling statement due to statement timeout (SQLSTATE 57014); nothing was changed, try again",
        exitCode: 9,
      });
    },
  );

  it.runIf(onPostgres)(
    "reads a session the server ended under a query as a lost connection",
    async () => {
      const victim = await test.database.open({ maxConnections: 1 });
      try {
        const [{ pid } = { pid: 0 }] = await victim.query<{ pid: number }>(
          sql`SELECT pg_backend_pid() AS pid`,
        );
        const sleeping = failureOf(() => victim.query(sql`SELECT pg_sleep(10)`));
        // Only this test's own session is ended; the shared server and others' sessions are not touched.
        await new Promise((resolve) => setTimeout(resolve, 200));
        await test.handle.query(sql`SELECT pg_terminate_backend(${pid})`);
        const error = await sleeping;
        // PostgreSQL sends 57P01 as it ends the session; postgres.js may report the closed
        // socket instead. Either is the connection lost.
        const failure = classifyDriverError(error);
        expect(failure?.kind).toBe("connection");
        expect(["57P01", "CONNECTION_CLOSED"]).toContain(failure?.code);
        expect(translateDriverError(error)).toBeInstanceOf(ConnectionError);
        expect(describeFailure(error)).toEqual({
          message:
            failure?.code === "57P01"
              ? "the database connection failed: terminating connection due to administrator command (SQLSTATE 57P01)"
              : `the database connection failed: the server closed the connection (CONNECTION_CLOSED ${new URL(test.database.env.DATABASE_URL ?? "").host})`,
          exitCode: 3,
        });
      } finally {
        await victim.close();
      }
    },
  );

  it("an error no kind covers is an internal error (exit 70) that still shows no parameter", async () => {
    await test.handle.query(sql`
      CREATE OR REPLACE FUNCTION store_fails(value text) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'storage failed' USING ERRCODE = 'XX001'; END $$`);
    const error = await failureOf(() => test.handle.db.execute(sql`SELECT store_fails(${SECRET})`));
    // drizzle's own message and stack hold the parameter: the reason for all of this.
    expect((error as Error).message).toContain(SECRET);
    expect((error as Error).stack).toContain("params:");
    expect(classifyDriverError(error)).toMatchObject({ kind: "unexpected", code: "XX001" });
    expect(translateDriverError(error)).toBeInstanceOf(UnexpectedDatabaseError);
    expect(describeFailure(error)).toEqual({
      message: "internal error: storage failed (SQLSTATE XX001)",
      exitCode: 70,
    });
    const shown = everythingShown(error);
    expect(shown).not.toContain(SECRET);
    expect(shown).not.toContain("params:");
    // The stacks are all there, each under a safe first line.
    expect(shown).toContain("caused by: DatabaseFailure: storage failed (SQLSTATE XX001)");
    expect(shown).toMatch(/^\s+at /m);
  });
});

describe("a handle that was closed", () => {
  // A database of its own: on PGlite the test file's handle holds the other one's directory.
  let closedOne: TestDatabase;
  beforeAll(async () => {
    closedOne = await createTestDatabase({ migrated: false });
  });
  afterAll(async () => closedOne?.dispose());

  it("reads as a lost connection, and ping says so", async () => {
    const other = await closedOne.open({ maxConnections: 1 });
    await expect(other.ping()).resolves.toBeUndefined();
    await other.close();
    const error = await failureOf(() => other.query(sql`SELECT 1`));
    expect(classifyDriverError(error)).toMatchObject({
      kind: "connection",
      code: onPostgres ? "CONNECTION_ENDED" : undefined,
    });
    expect(describeFailure(error).exitCode).toBe(3);
    await expect(other.ping()).rejects.toBeInstanceOf(ConnectionError);
  });
});

describe("connections that cannot be made", () => {
  it("a closed loopback port: connection refused, exit 3, the server named, not the password", async () => {
    const port = await closedLoopbackPort();
    const url = `postgres://auditor:${SECRET}@127.0.0.1:${port}/audit`;
    const client = postgres(url, { max: 1, connect_timeout: 5 });
    const raw = await failureOf(() => client`SELECT 1`);
    await client.end();
    expect(classifyDriverError(raw)).toMatchObject({ kind: "connection", code: "ECONNREFUSED" });
    expect(describeFailure(raw).exitCode).toBe(3);

    const opening = await failureOf(() => openDatabase({ engine: "postgres", url }));
    expect(opening).toBeInstanceOf(ConnectionError);
    expect(describeFailure(opening)).toEqual({
      message: `cannot connect to PostgreSQL at 127.0.0.1:${port}: connection refused (is the server running?)`,
      exitCode: 3,
    });
    expect(everythingShown(opening)).not.toContain(SECRET);
  });
});

describe("errors that did not come from a driver", () => {
  it("pass through unchanged, and say their own message as an internal error", () => {
    const bug = new TypeError("cannot read properties of undefined");
    expect(translateDriverError(bug)).toBe(bug);
    expect(describeFailure(bug)).toEqual({
      message: "internal error: cannot read properties of undefined",
      exitCode: 70,
    });
    const usage = new AuditError("usage", "--jobs takes a number");
    expect(translateDriverError(usage)).toBe(usage);
  });

  it("drizzle's wrapper around a value the driver could not send says what it wraps, not the parameters", () => {
    const wrapper = Object.assign(
      new Error(`Failed query: insert into "jobs" values ($1)\nparams: ${SECRET}`),
      {
        query: 'insert into "jobs" values ($1)',
        params: [SECRET],
        cause: new TypeError("Do not know how to serialize a BigInt"),
      },
    );
    expect(translateDriverError(wrapper)).toBeInstanceOf(UnexpectedDatabaseError);
    expect(describeFailure(wrapper).message).toBe(
      "internal error: Do not know how to serialize a BigInt",
    );
    expect(everythingShown(wrapper)).not.toContain(SECRET);
  });
});
