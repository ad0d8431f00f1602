import { ConnectionError, describeFailure } from "@forusbots/db";
import { createTestDatabase, type TestDatabase } from "@forusbots/db/testing";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SERVER_URL } from "./run-benchmark.ts";
import { ScratchDatabases } from "./scratch-databases.ts";

/** As in bench.test.ts: the test database's server on PostgreSQL, the local one on PGlite. */
let database: TestDatabase;
let serverUrl: string;

async function existing(prefix: string): Promise<string[]> {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ datname: string }[]>`
      SELECT datname FROM pg_database WHERE starts_with(datname, ${prefix}) ORDER BY datname`;
    return rows.map((row) => row.datname);
  } finally {
    await sql.end();
  }
}

beforeAll(async () => {
  database = await createTestDatabase({ migrated: false });
  serverUrl = database.target.engine === "postgres" ? database.target.url : DEFAULT_SERVER_URL;
});

afterAll(async () => {
  await database.dispose();
});

describe("the bench's own databases", () => {
  it("are named with the run's prefix and point at the same server", async () => {
    const databases = new ScratchDatabases(serverUrl);
    try {
      const made = await databases.create("probe");
      expect(made.name).toBe(`${databases.prefix}probe`);
      expect(databases.prefix).toMatch(/^forusbots_bench_[0-9a-f]{8}_$/);
      const url = new URL(made.target.url);
      expect(url.pathname).toBe(`/${made.name}`);
      expect(url.host).toBe(new URL(serverUrl).host);
      expect(await existing(databases.prefix)).toEqual([made.name]);
    } finally {
      await databases.close();
    }
  });

  it("dropAll drops what exists and lets the run go on; close drops and refuses more", async () => {
    const databases = new ScratchDatabases(serverUrl);
    await databases.create("first");
    await databases.create("second");
    await databases.dropAll();
    expect(await existing(databases.prefix)).toEqual([]);
    await databases.create("third");
    expect(await existing(databases.prefix)).toEqual([`${databases.prefix}third`]);
    await databases.close();
    expect(await existing(databases.prefix)).toEqual([]);
    await expect(databases.create("fourth")).rejects.toThrow(/stopping/);
    expect(await existing(databases.prefix)).toEqual([]);
  });

  it("drops a database whose CREATE was still running when the run was closed", async () => {
    const databases = new ScratchDatabases(serverUrl);
    const creating = databases.create("late");
    await databases.close();
    // Whichever finished first, nothing of this run is left.
    await creating.catch(() => undefined);
    expect(await existing(databases.prefix)).toEqual([]);
  });

  it("an unreachable server is a connection error naming it, without its password", async () => {
    const databases = new ScratchDatabases("postgres://bench:s3cret-pw@127.0.0.1:1/postgres");
    const failure = await databases.create("never").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConnectionError);
    expect(describeFailure(failure)).toEqual({
      message: `cannot use PostgreSQL at postgres://bench:***@127.0.0.1:1/postgres for the bench databases: connect ECONNREFUSED 127.0.0.1:1`,
      exitCode: 3,
    });
  });
});
