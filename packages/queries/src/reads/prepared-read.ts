import type { AuditDb } from "@forusbots/db";
import type { SQL } from "drizzle-orm";
import { PgDialect, type PgPreparedQuery } from "drizzle-orm/pg-core";

/** A statement prepared once per database handle, its rows decoded by the read's own function. */
export type PreparedRead<Result> = PgPreparedQuery<{
  execute: Result;
  all: unknown;
  values: unknown;
}>;

const dialect = new PgDialect();

/** A prepared statement runs on the handle (or transaction) it was built on; it goes with it. */
const preparedReads = new WeakMap<AuditDb, Map<string, PreparedRead<unknown>>>();

/**
 * The statement `name` of `db`, built by `build` (values left as `sql.placeholder`s) the first
 * time it is asked for. Its SQL is compiled once and, on PostgreSQL, parsed and planned once per
 * connection; its rows come back as arrays, in the order the statement selects, to `decode`,
 * instead of through Drizzle's per-column mapping, which at a hundred rows cost more than the
 * query. `name` must say everything `build` depends on: a second call with the same name returns
 * the first statement.
 */
export function preparedRead<Result>(
  db: AuditDb,
  name: string,
  build: () => SQL,
  decode: (rows: unknown[][]) => Result,
): PreparedRead<Result> {
  let reads = preparedReads.get(db);
  if (!reads) {
    reads = new Map();
    preparedReads.set(db, reads);
  }
  let read = reads.get(name) as PreparedRead<Result> | undefined;
  if (!read) {
    read = db._.session.prepareQuery<{ execute: Result; all: unknown; values: unknown }>(
      dialect.sqlToQuery(build()),
      undefined,
      name,
      true,
      decode,
    );
    reads.set(name, read);
  }
  return read;
}
