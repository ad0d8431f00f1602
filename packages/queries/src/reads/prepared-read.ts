import { type AuditDb, embeddedClientOf } from "@forusbots/db";
import { fillPlaceholders, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";

/** A read whose statement is built once per handle; `values` fill its `sql.placeholder`s. */
export interface PreparedRead<Result> {
  execute(values: Record<string, unknown>): Promise<Result>;
}

const dialect = new PgDialect();

/** A prepared statement runs on the handle (or transaction) it was built on; it goes with it. */
const preparedReads = new WeakMap<AuditDb, Map<string, PreparedRead<unknown>>>();

/**
 * The statement `name` of `db`, built by `build` (values left as `sql.placeholder`s) the first
 * time it is asked for. Its SQL is compiled once; its rows come back as arrays, in the order the
 * statement selects, to `decode`, instead of through Drizzle's per-column mapping, which at a
 * hundred rows cost more than the query.
 *
 * On PostgreSQL the statement is a named prepared statement of Drizzle's session, parsed and
 * planned once per connection. PGlite plans every statement again whatever its name, so there it
 * goes to the client directly (`embeddedClientOf`): its values are then PGlite's own, the same as
 * on PostgreSQL for every column but dates, times and intervals, which a prepared read must
 * select as text (`::text`) to read the same on both engines.
 *
 * `name` must say everything `build` depends on: a second call with the same name returns the
 * first statement.
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
    read = prepare(db, name, dialect.sqlToQuery(build()), decode);
    reads.set(name, read);
  }
  return read;
}

function prepare<Result>(
  db: AuditDb,
  name: string,
  query: { sql: string; params: unknown[] },
  decode: (rows: unknown[][]) => Result,
): PreparedRead<Result> {
  const embedded = embeddedClientOf(db);
  if (embedded) {
    return {
      execute: async (values) => {
        const result = await embedded.query<unknown[]>(
          query.sql,
          fillPlaceholders(query.params, values),
          { rowMode: "array" },
        );
        return decode(result.rows);
      },
    };
  }
  return db._.session.prepareQuery<{ execute: Result; all: unknown; values: unknown }>(
    query,
    undefined,
    name,
    true,
    decode,
  );
}
