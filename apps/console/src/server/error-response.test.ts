import { AuditError, type AuditErrorKind } from "@forusbots/db";
import { useTestDatabase } from "@forusbots/db/testing";
import { sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { ANY_HOST } from "../../test/api-access.ts";
import { createConsoleApp } from "./app.ts";
import type { DatabaseConnection } from "./database-connection.ts";
import { toErrorResponse } from "./error-response.ts";

const SECRET = "s3cret-filter-value";

describe("the console's answer to each kind of failure", () => {
  // Said here as the README says it: the request was wrong (4xx), or the database cannot answer
  // it now (503), or the console itself is at fault (500).
  const expected: [AuditErrorKind, number][] = [
    ["usage", 400],
    ["validation", 400],
    ["refused", 403],
    ["not_found", 404],
    ["conflict", 409],
    ["config", 500],
    ["migration", 500],
    ["connection", 503],
    ["schema", 503],
    ["busy", 503],
  ];

  it.each(expected)("%s answers %i with its kind and message", (kind, status) => {
    expect(toErrorResponse(new AuditError(kind, `what went wrong (${kind})`))).toEqual({
      status,
      body: { error: { kind, message: `what went wrong (${kind})` } },
    });
  });

  it("anything else is 500 with no detail at all", () => {
    expect(toErrorResponse(new TypeError(`cannot read ${SECRET}`))).toEqual({
      status: 500,
      body: { error: { kind: "internal", message: "internal error: see the console's log" } },
    });
  });
});

describe("driver errors reaching the console, from a real database", () => {
  const test = useTestDatabase();

  const failureOf = (statement: ReturnType<typeof sql>) =>
    test.handle.db.execute(statement).then(
      () => {
        throw new Error("expected the statement to fail");
      },
      (error: unknown) => error,
    );

  it("a missing table is 503 schema, with the one message", async () => {
    const error = await failureOf(sql`SELECT * FROM no_such_audit_view WHERE bot_id = ${SECRET}`);
    expect(toErrorResponse(error)).toEqual({
      status: 503,
      body: {
        error: { kind: "schema", message: "the audit tables do not exist: run migrate first" },
      },
    });
  });

  it("a lock timeout is 503 busy, without the statement's parameters", async () => {
    await test.handle.query(sql`
      CREATE FUNCTION lock_fails(value text) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'canceling statement due to lock timeout' USING ERRCODE = '55P03'; END $$`);
    const { status, body } = toErrorResponse(await failureOf(sql`SELECT lock_fails(${SECRET})`));
    expect(status).toBe(503);
    expect(body.error).toEqual({
      kind: "busy",
      message:
        "the database timed out waiting for a lock: canceling statement due to lock timeout (SQLSTATE 55P03); nothing was changed, try again",
    });
  });

  it("an unexpected failure is 500; the log has the stacks but not the parameters", async () => {
    await test.handle.query(sql`
      CREATE FUNCTION read_fails(value text) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'storage failed' USING ERRCODE = 'XX001'; END $$`);
    const error = await failureOf(sql`SELECT read_fails(${SECRET})`);
    const failing: DatabaseConnection = {
      description: "a database whose reads fail",
      read: () => Promise.reject(error),
      ping: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const response = await createConsoleApp({ connection: failing, access: ANY_HOST }).request(
        "/api/bots",
      );
      expect(response.status).toBe(500);
      expect(JSON.stringify(await response.json())).not.toContain(SECRET);
      const log = logged.mock.calls.map((call) => call.map(String).join(" ")).join("\n");
      expect(log).toContain("storage failed (SQLSTATE XX001)");
      expect(log).toMatch(/^\s+at /m);
      expect(log).not.toContain(SECRET);
      expect(log).not.toContain("params:");
    } finally {
      logged.mockRestore();
    }
  });
});
