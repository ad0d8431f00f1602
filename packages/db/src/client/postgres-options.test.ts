import { sql } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import { sqlStateOf } from "../failures/index.ts";
import { useTestDatabase } from "../testing/index.ts";

const onPostgres = inject("auditTestDatabase").engine === "postgres";

describe.skipIf(!onPostgres)("a PostgreSQL pool's session settings", () => {
  const context = useTestDatabase();

  it("sets statement_timeout on every connection when asked (the recorder's bound)", async () => {
    const handle = await context.database.open({ statementTimeoutMs: 1234, maxConnections: 2 });
    try {
      const rows = await Promise.all(
        [1, 2].map(() => handle.query<{ statement_timeout: string }>(sql`SHOW statement_timeout`)),
      );
      expect(rows.flat().map((row) => row.statement_timeout)).toEqual(["1234ms", "1234ms"]);
      const error = await handle
        .query(sql`SELECT pg_sleep(2)`)
        .catch((failure: unknown) => failure);
      // query_canceled: the server gave up on it, not the client.
      expect(sqlStateOf(error)).toBe("57014");
    } finally {
      await handle.close();
    }
  });
});
