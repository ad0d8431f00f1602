import { randomBytes } from "node:crypto";
import postgres from "postgres";
import type { TestDatabase } from "./test-database.ts";

/** A LOGIN role made for one test file, and how to connect to its database as it. */
export interface TestLoginRole {
  readonly name: string;
  /** The test database's URL with this role as its user. */
  readonly url: string;
  /** Points a child process (the CLI) at the test database as this role. */
  readonly env: Record<string, string>;
  /** Drops what it owns in the test database, then the role (its memberships go with it). */
  dispose(): Promise<void>;
}

/**
 * Creates a uniquely named LOGIN role on the test database's PostgreSQL server. Roles are the
 * whole cluster's, shared with every other test run on it: the name is random, the role holds no
 * privilege of its own, and `dispose` drops it.
 */
export async function createLoginRole(
  database: TestDatabase,
  purpose: string,
): Promise<TestLoginRole> {
  if (database.target.engine !== "postgres") {
    throw new Error("login roles exist only on PostgreSQL");
  }
  const ownerUrl = database.target.url;
  const name = `audit_${purpose}_${randomBytes(5).toString("hex")}_test`;
  const password = randomBytes(12).toString("hex");
  const admin = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE ROLE "${name}" LOGIN PASSWORD '${password}'`);
  } finally {
    await admin.end();
  }
  const url = new URL(ownerUrl);
  url.username = name;
  url.password = password;
  return {
    name,
    url: url.toString(),
    env: { DATABASE_URL: url.toString() },
    dispose: async () => {
      const cleanup = postgres(ownerUrl, { max: 1, onnotice: () => {} });
      try {
        await cleanup.unsafe(
          `DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '${name}') THEN DROP OWNED BY "${name}"; END IF; END $$`,
        );
        await cleanup.unsafe(`DROP ROLE IF EXISTS "${name}"`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
