import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "./handle.ts";

/**
 * Who and where a session really is, as the server says: what a destructive command names
 * before it acts, so that no URL, environment variable or pooler can make it show one database
 * and change another.
 */
export interface ServerIdentity {
  /** `current_database()`. */
  database: string;
  /** `current_user`: the role the statements run as. */
  user: string;
  /** `inet_server_addr():inet_server_port()`, or null over a Unix socket and on PGlite. */
  address: string | null;
}

export async function identifyServer(handle: DatabaseHandle): Promise<ServerIdentity> {
  const [row] = await handle.query<{ database: string; user: string; address: string | null }>(
    sql`SELECT current_database() AS database, current_user AS user,
               host(inet_server_addr()) || ':' || inet_server_port() AS address`,
  );
  return { database: row?.database ?? "", user: row?.user ?? "", address: row?.address ?? null };
}

/** `database "audit" as user "ops" on 10.0.0.5:5432` — with the handle's own name after it. */
export function describeServerIdentity(identity: ServerIdentity, handle: DatabaseHandle): string {
  const where =
    handle.engine === "pglite"
      ? ""
      : identity.address === null
        ? " over a local socket"
        : ` on ${identity.address}`;
  return `database "${identity.database}" as user "${identity.user}"${where} (${handle.description})`;
}
