import postgres from "postgres";
import type { DatabaseTarget } from "../config.ts";

export type PostgresTarget = Extract<DatabaseTarget, { engine: "postgres" }>;

/**
 * Databases made and dropped on a PostgreSQL server by a program for its own use (a test file's
 * database, the bench's), beside whatever the server holds. Names come from the caller's code,
 * never from input; they are still checked, since they are spliced into the statement as
 * identifiers (CREATE DATABASE takes no parameters).
 */
const SCRATCH_NAME = /^[a-z][a-z0-9_]{0,62}$/;

function checkedName(name: string): string {
  if (!SCRATCH_NAME.test(name)) {
    throw new Error(`"${name}" is not a scratch database name (lower case, digits, _)`);
  }
  return name;
}

/** The URL of database `name` on the server of `serverUrl` (same host, port, login, options). */
export function databaseOnServer(serverUrl: string, name: string): PostgresTarget {
  const url = new URL(serverUrl);
  url.pathname = `/${checkedName(name)}`;
  return { engine: "postgres", url: url.toString() };
}

/** One short-lived admin connection to the server's database of `serverUrl`. */
async function onServer<T>(serverUrl: string, work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    return await work(sql);
  } finally {
    await sql.end();
  }
}

/** Creates an empty database `name` on the server of `serverUrl` and returns its target. */
export async function createServerDatabase(
  serverUrl: string,
  name: string,
): Promise<PostgresTarget> {
  const target = databaseOnServer(serverUrl, name);
  await onServer(serverUrl, (sql) => sql.unsafe(`CREATE DATABASE "${name}"`));
  return target;
}

/**
 * Drops the named databases if they exist, cutting their connections (WITH FORCE): the program
 * that made them is done, and a connection it leaked must not keep them on the server.
 */
export async function dropServerDatabases(
  serverUrl: string,
  names: readonly string[],
): Promise<void> {
  if (names.length === 0) return;
  await onServer(serverUrl, async (sql) => {
    for (const name of names) {
      await sql.unsafe(`DROP DATABASE IF EXISTS "${checkedName(name)}" WITH (FORCE)`);
    }
  });
}
