import { setAuditRoleMembership } from "@forusbots/db";
import type { DatabaseHandle } from "@forusbots/db/client";
import { openDatabase } from "@forusbots/db/client";
import {
  createLoginRole,
  createTestDatabase,
  type TestDatabase,
  type TestLoginRole,
} from "@forusbots/db/testing";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ANY_HOST, TEST_READ_LIMITS } from "../../test/api-access.ts";
import { insertKnownAuditData, JOB } from "../../test/known-audit-data.ts";
import { createConsoleApp } from "./app.ts";
import { connectionOf } from "./database-connection.ts";

// PGlite has one user and no logins: login roles are a PostgreSQL matter.
const onPostgres = inject("auditTestDatabase").engine === "postgres";

/** Every read the page makes, with ranges over the known data. */
const PATHS = [
  "/api/bots?from=2026-03-01&to=2026-03-08",
  "/api/bots?bot=report-bot",
  "/api/bots/time-series?from=2026-03-01&to=2026-04-11&bucket=hour",
  "/api/bots/time-series?from=2026-03-01&to=2026-03-08&bucket=day",
  "/api/jobs?limit=25",
  "/api/jobs?bot=report-bot&state=queued",
  `/api/jobs/${JOB.J1}`,
  "/api/stages",
  "/api/stages?from=2026-03-03&to=2026-03-04",
];

/**
 * The console as README says to run it: logged in as a member of audit_reader, it answers every
 * read exactly as the owner's login does. PostgreSQL only (PGlite has no logins).
 */
describe.runIf(onPostgres)("the console as an audit_reader login", () => {
  let database: TestDatabase;
  let owner: DatabaseHandle;
  let reader: TestLoginRole;
  let asReader: DatabaseHandle;
  let ownerApp: Hono;
  let readerApp: Hono;

  beforeAll(async () => {
    database = await createTestDatabase();
    owner = await database.open();
    await insertKnownAuditData(owner.db);
    reader = await createLoginRole(database, "console");
    await setAuditRoleMembership(owner, "reader", reader.name, "grant");
    asReader = await openDatabase({ engine: "postgres", url: reader.url });
    ownerApp = createConsoleApp({
      connection: connectionOf(owner, TEST_READ_LIMITS),
      access: ANY_HOST,
      logError: () => {},
    });
    readerApp = createConsoleApp({
      connection: connectionOf(asReader, TEST_READ_LIMITS),
      access: ANY_HOST,
      logError: () => {},
    });
  });
  afterAll(async () => {
    await asReader?.close();
    await owner?.close();
    await reader?.dispose();
    await database?.dispose();
  });

  it.each(PATHS)("GET %s: 200 and the owner's answer", async (path) => {
    const [mine, owners] = [await readerApp.request(path), await ownerApp.request(path)];
    expect(mine.status).toBe(200);
    expect(await mine.json()).toEqual(await owners.json());
  });

  it("GET /api/status: reachable, no problem", async () => {
    const response = await readerApp.request("/api/status");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ reachable: true, problem: null });
  });
});
