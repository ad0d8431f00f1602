import type { AuditDb, DatabaseHandle } from "@forusbots/db";
import type { TestDatabase, TestDatabaseContext } from "@forusbots/db/testing";
import { type SQL, sql } from "drizzle-orm";
import { onTestFinished } from "vitest";

/** A handle of one connection, and the server process behind it (its `pg_backend_pid`). */
export interface Racer {
  handle: DatabaseHandle;
  pid: number;
}

/**
 * `count` handles of one connection each on a PostgreSQL test database, closed when the test
 * ends: writers that are really separate sessions, as separate bot processes would be.
 */
export async function openRacers(database: TestDatabase, count: number): Promise<Racer[]> {
  const racers = await Promise.all(
    Array.from({ length: count }, async () => {
      const handle = await database.open({ maxConnections: 1 });
      const [row] = await handle.query<{ pid: number }>(sql`SELECT pg_backend_pid() AS pid`);
      if (row === undefined) throw new Error("pg_backend_pid() returned no row");
      return { handle, pid: row.pid };
    }),
  );
  onTestFinished(async () => {
    await Promise.all(racers.map(({ handle }) => handle.close()));
  });
  return racers;
}

/** How long the racers may take to reach the gate before the test gives up on them. */
const GATHER_TIMEOUT_MS = 10_000;

export interface GateRace<T> {
  /** A handle of its own that holds the gate; its one connection is busy until the release. */
  gate: DatabaseHandle;
  /** What the gate's transaction does to hold the racers: lock a row, or insert one uncommitted. */
  hold: SQL;
  /** How the gate's transaction ends: a rolled-back insert leaves the row for the racers. */
  release: "commit" | "rollback";
  /** A handle to watch the racers through (pg_stat_activity), other than theirs and the gate's. */
  observer: DatabaseHandle;
  racers: readonly Racer[];
  write: (racer: Racer, index: number) => Promise<T>;
}

class GateRolledBack extends Error {}

/**
 * Starts every racer's write while the gate's transaction holds what they all need, waits until
 * the server shows each of them waiting on a lock, and only then ends the gate's transaction.
 * Every write has therefore begun, taken its snapshot and reached the contested row before any
 * of them could change it: they truly overlap, whatever the scheduling of the test process.
 */
export async function raceThroughGate<T>(race: GateRace<T>): Promise<PromiseSettledResult<T>[]> {
  let opened: () => void = () => {};
  let release: () => void = () => {};
  const gateOpen = new Promise<void>((resolve) => {
    opened = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const gateDone = race.gate.db
    .transaction(async (tx) => {
      await tx.execute(race.hold);
      opened();
      await released;
      if (race.release === "rollback") throw new GateRolledBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof GateRolledBack)) throw error;
    });
  await Promise.race([gateOpen, gateDone]);
  // Settled as they come, so that a write refused before the release is not an unhandled rejection.
  const outcomes = Promise.allSettled(race.racers.map((racer, index) => race.write(racer, index)));
  try {
    await waitUntilWaitingOnLocks(
      race.observer,
      race.racers.map(({ pid }) => pid),
    );
  } finally {
    release();
    await gateDone;
  }
  return outcomes;
}

async function waitUntilWaitingOnLocks(observer: DatabaseHandle, pids: number[]): Promise<void> {
  const deadline = Date.now() + GATHER_TIMEOUT_MS;
  const pidList = sql.join(
    pids.map((pid) => sql`${pid}::int`),
    sql`, `,
  );
  for (;;) {
    const [row] = await observer.query<{ waiting: number }>(
      sql`SELECT count(*)::int AS waiting FROM pg_stat_activity
          WHERE pid IN (${pidList}) AND wait_event_type = 'Lock'`,
    );
    if (row?.waiting === pids.length) return;
    if (Date.now() > deadline) {
      throw new Error(
        `only ${row?.waiting ?? 0} of ${pids.length} racers reached the gate in ${GATHER_TIMEOUT_MS} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface WriteRace<T> {
  /** The test's database and its own handle, which watches the racers. */
  setup: TestDatabaseContext;
  count: number;
  hold: SQL;
  release: GateRace<T>["release"];
  write: (db: AuditDb, index: number) => Promise<T>;
}

/**
 * `count` writes racing for one thing. On PostgreSQL each has a connection of its own and they
 * are released together through a gate (`raceThroughGate`); PGlite has a single connection, so
 * there they queue on it and run one after another: the same outcomes are expected, but nothing
 * overlaps, which the tests' names say.
 */
export async function raceWrites<T>(race: WriteRace<T>): Promise<PromiseSettledResult<T>[]> {
  const { setup, count } = race;
  if (setup.database.engine !== "postgres") {
    return Promise.allSettled(
      Array.from({ length: count }, (_, index) => race.write(setup.db, index)),
    );
  }
  const [gate, ...racers] = await openRacers(setup.database, count + 1);
  if (gate === undefined) throw new Error("no connection was opened for the gate");
  return raceThroughGate({
    gate: gate.handle,
    hold: race.hold,
    release: race.release,
    observer: setup.handle,
    racers,
    write: (racer, index) => race.write(racer.handle.db, index),
  });
}

/**
 * The deadlocks PostgreSQL counted in the database so far. A backend publishes its statistics
 * when it ends or idles: read after closing the connections that raced.
 */
export async function deadlocksOf(handle: DatabaseHandle): Promise<number> {
  const [row] = await handle.query<{ deadlocks: number }>(
    sql`SELECT pg_stat_clear_snapshot(), (SELECT deadlocks::int FROM pg_stat_database
        WHERE datname = current_database()) AS deadlocks`,
  );
  return row?.deadlocks ?? 0;
}
