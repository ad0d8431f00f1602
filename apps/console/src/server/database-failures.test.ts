import { closedLoopbackPort, createTestDatabase, type TestDatabase } from "@forusbots/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANY_HOST, TEST_READ_LIMITS } from "../../test/api-access.ts";
import { createConsoleApp } from "./app.ts";
import { connectOnDemand, type DatabaseConnection } from "./database-connection.ts";

async function get(connection: DatabaseConnection, path: string) {
  const app = createConsoleApp({ connection, access: ANY_HOST, logError: () => {} });
  const response = await app.request(path);
  return { status: response.status, body: await response.json() };
}

describe("console API when the database is unreachable", () => {
  // A loopback port nothing listens on: the connection is refused at once.
  let where: string;
  let connection: DatabaseConnection;
  beforeAll(async () => {
    where = `127.0.0.1:${await closedLoopbackPort()}`;
    connection = connectOnDemand(
      {
        engine: "postgres",
        url: `postgres://auditor:s3cret-pass@${where}/audit`,
      },
      TEST_READ_LIMITS,
    );
  });

  afterAll(() => connection?.close());

  it("answers 503 with a connection error that names the server but not the password", async () => {
    const { status, body } = await get(connection, "/api/bots");
    expect(status).toBe(503);
    expect(body.error.kind).toBe("connection");
    expect(body.error.message).toContain(where);
    expect(JSON.stringify(body)).not.toContain("s3cret-pass");
  });

  it("tries again on the next request instead of keeping the failure", async () => {
    for (const path of [
      "/api/jobs",
      `/api/jobs/${"1".repeat(8)}-1111-4111-8111-111111111111`,
      "/api/stages",
    ]) {
      const { status, body } = await get(connection, path);
      expect(status).toBe(503);
      expect(body.error.kind).toBe("connection");
    }
  });

  it("still names the database, masked, and says it does not answer", async () => {
    const { status, body } = await get(connection, "/api/status");
    expect(status).toBe(200);
    expect(body.database).toBe(`PostgreSQL postgres://auditor:***@${where}/audit`);
    expect(body.reachable).toBe(false);
    expect(body.problem).toContain("connection refused");
    expect(JSON.stringify(body)).not.toContain("s3cret-pass");
  });
});

describe("console API on a database that was never migrated", () => {
  let database: TestDatabase;
  let connection: DatabaseConnection;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
    connection = connectOnDemand(database.target, TEST_READ_LIMITS);
  });

  afterAll(async () => {
    await connection?.close();
    await database?.dispose();
  });

  it("answers 503 saying the schema is missing", async () => {
    for (const path of ["/api/bots", "/api/jobs", "/api/stages"]) {
      const { status, body } = await get(connection, path);
      expect(status).toBe(503);
      expect(body.error.kind).toBe("schema");
    }
  });
});

describe("console API on an empty database", () => {
  let database: TestDatabase;
  let connection: DatabaseConnection;

  beforeAll(async () => {
    database = await createTestDatabase();
    connection = connectOnDemand(database.target, TEST_READ_LIMITS);
  });

  afterAll(async () => {
    await connection?.close();
    await database?.dispose();
  });

  it("answers empty lists, not errors", async () => {
    const omitted = "p50 and p95 need a range (from and to) of at most 366 days";
    expect(await get(connection, "/api/bots")).toEqual({
      status: 200,
      body: { bots: [], percentilesOmitted: omitted },
    });
    expect(await get(connection, "/api/jobs")).toEqual({
      status: 200,
      body: { jobs: [], nextCursor: null },
    });
    expect(await get(connection, "/api/stages")).toEqual({
      status: 200,
      body: { stages: [], percentilesOmitted: omitted },
    });
    const series = await get(connection, "/api/bots/time-series?from=2026-03-01&to=2026-03-08");
    expect(series).toEqual({
      status: 200,
      body: {
        bucket: "day",
        from: "2026-03-01T00:00:00.000Z",
        to: "2026-03-08T00:00:00.000Z",
        points: [],
      },
    });
  });
});
