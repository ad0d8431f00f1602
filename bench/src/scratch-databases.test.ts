import { ConnectionError, describeFailure } from "@forusbots/db";
import { closedLoopbackPort, harnessServerUrl } from "@forusbots/db/testing";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { ScratchDatabases } from "./scratch-databases.ts";

/** The harness's server; the tests that make databases on it are skipped on PGlite. */
const server = harnessServerUrl();
const serverUrl = server ?? "";

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

describe.skipIf(server === undefined)("the bench's own databases (on the harness's server)", () => {
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
});

describe("the bench's databases on a server it cannot reach", () => {
  it("are a connection error naming the server, without its password", async () => {
    const port = await closedLoopbackPort();
    const databases = new ScratchDatabases(`postgres://bench:s3cret-pw@127.0.0.1:${port}/postgres`);
    const failure = await databases.create("never").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConnectionError);
    expect(describeFailure(failure)).toEqual({
      message: `cannot use PostgreSQL at postgres://bench:***@127.0.0.1:${port}/postgres for the bench databases: connect ECONNREFUSED 127.0.0.1:${port}`,
      exitCode: 3,
    });
  });
});
