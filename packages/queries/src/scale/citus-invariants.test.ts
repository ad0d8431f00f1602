import { ROLLUP_TRIGGER_FUNCTIONS } from "@forusbots/db/schema";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { writeEvents } from "../ingest/write-events.ts";
import { getJobWithStages } from "../reads/job-detail.ts";
import { statementLoggingDatabase, useAuditDatabase } from "../testing/audit-database.ts";

/**
 * The Citus design of docs/scale.md, checked against the live schema and the statements of this
 * package, so that it stays true as they change: a new table, key, foreign key or trigger, or a
 * single-job read that would need a cross-shard join, fails here until the design says what
 * becomes of it.
 */

/** Distributed tables and their distribution column: jobs and job_stages co-located on job_id. */
const DISTRIBUTED: Record<string, string> = { jobs: "job_id", job_stages: "job_id" };

/**
 * The other tables and what they become. The rollups stay on the coordinator, rebuilt from the
 * shards by a scheduled aggregation instead of triggers (docs/scale.md, "Rollups").
 */
const NOT_DISTRIBUTED: Record<string, "coordinator rollup" | "migrator bookkeeping"> = {
  "public.bot_job_totals": "coordinator rollup",
  "public.bot_job_hourly": "coordinator rollup",
  "public.stage_totals": "coordinator rollup",
  "drizzle.__drizzle_migrations": "migrator bookkeeping",
};

/**
 * Unique keys of distributed tables without the distribution column, each with the change the
 * Citus migration makes (docs/scale.md, "Keys"). Citus refuses to distribute a table otherwise.
 */
const KEYS_CHANGED_FOR_CITUS: Record<string, string> = {
  job_stages_pkey: "PRIMARY KEY (job_id, id)",
};

const context = useAuditDatabase();
const rows = <Row extends Record<string, unknown>>(statement: ReturnType<typeof sql>) =>
  context.handle.query<Row>(statement);

describe("the schema keeps the invariants Citus needs (docs/scale.md)", () => {
  it("every table is either distributed by a named column or said to stay on the coordinator", async () => {
    const tables = await rows<{ name: string }>(sql`
      SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
      ORDER BY 1`);
    const classified = [
      ...Object.keys(DISTRIBUTED).map((table) => `public.${table}`),
      ...Object.keys(NOT_DISTRIBUTED),
    ].sort();
    expect(tables.map((table) => table.name)).toEqual(classified);
  });

  it("every unique key of a distributed table holds its distribution column, but those the design changes", async () => {
    const keys = await rows<{ table: string; name: string; columns: string[] }>(sql`
      SELECT t.relname AS table, i.relname AS name,
             array_agg(a.attname::text ORDER BY k.ordinality) AS columns
      FROM pg_index x
      JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_class i ON i.oid = x.indexrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
      CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, ordinality)
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE x.indisunique AND t.relname = ANY(${`{${Object.keys(DISTRIBUTED).join(",")}}`}::text[])
      GROUP BY t.relname, i.relname ORDER BY 1, 2`);
    expect(keys.length).toBeGreaterThanOrEqual(3);
    const withoutColumn = keys
      .filter((key) => !key.columns.includes(DISTRIBUTED[key.table] ?? ""))
      .map((key) => key.name);
    expect(withoutColumn).toEqual(Object.keys(KEYS_CHANGED_FOR_CITUS));
  });

  it("every foreign key joins distributed tables on their distribution columns, and no other", async () => {
    const foreignKeys = await rows<{
      name: string;
      from_table: string;
      from_columns: string[];
      to_table: string;
      to_columns: string[];
    }>(sql`
      SELECT c.conname AS name, f.relname AS from_table, t.relname AS to_table,
             ARRAY(SELECT attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
                   JOIN pg_attribute ON attrelid = c.conrelid AND attnum = k.n ORDER BY k.o) AS from_columns,
             ARRAY(SELECT attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, o)
                   JOIN pg_attribute ON attrelid = c.confrelid AND attnum = k.n ORDER BY k.o) AS to_columns
      FROM pg_constraint c
      JOIN pg_class f ON f.oid = c.conrelid
      JOIN pg_class t ON t.oid = c.confrelid
      WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace ORDER BY 1`);
    expect(foreignKeys.map((key) => key.name)).toEqual(["fk_job_stages_job_id"]);
    for (const key of foreignKeys) {
      const from = DISTRIBUTED[key.from_table];
      const to = DISTRIBUTED[key.to_table];
      expect(from, `${key.name}: from a distributed table`).toBeDefined();
      expect(to, `${key.name}: to a distributed table`).toBeDefined();
      // Co-located: the distribution columns pair up in the key.
      const position = key.from_columns.indexOf(from ?? "");
      expect(position, `${key.name} holds ${from}`).toBeGreaterThanOrEqual(0);
      expect(key.to_columns[position], `${key.name} pairs ${from} with ${to}`).toBe(to);
    }
  });

  it("the only triggers on distributed tables are the rollup triggers the design replaces", async () => {
    const triggers = await rows<{ function: string }>(sql`
      SELECT DISTINCT p.proname AS function FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
      WHERE NOT t.tgisinternal
        AND t.tgrelid::regclass::text = ANY(${`{${Object.keys(DISTRIBUTED).join(",")}}`}::text[])
      ORDER BY 1`);
    const rollupFunctions: readonly string[] = ROLLUP_TRIGGER_FUNCTIONS;
    for (const trigger of triggers) expect(rollupFunctions).toContain(trigger.function);
  });
});

describe("a single-job read routes to one shard: no cross-shard join (docs/scale.md)", () => {
  const jobId = "0c5a1e9e-8f5b-4c1d-9a47-3f2b6d1e7a10";
  beforeAll(async () => {
    const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 9, 0, second)).toISOString();
    const report = await writeEvents(
      context.handle.db,
      [
        { type: "job.accepted", jobId, botId: "bot-a", at: at(0), meta: {} },
        { type: "job.started", jobId, at: at(1) },
        {
          type: "stage",
          jobId,
          stageName: "login",
          startedAt: at(2),
          endedAt: at(3),
          status: "succeed",
          meta: {},
        },
        { type: "job.finished", jobId, state: "succeeded", at: at(4) },
      ].map((event, position) => ({ position, event })),
    );
    expect(report.rejected).toEqual([]);
  });

  it("getJobWithStages: each statement filters every distributed table it reads on job_id = the job", async () => {
    const { db, sent, params } = await statementLoggingDatabase(context.handle);
    const detail = await getJobWithStages(db, jobId);
    expect(detail.stages).toHaveLength(1);
    expect(sent.length).toBeGreaterThan(0);
    sent.forEach((statement, index) => {
      const tables = [...statement.matchAll(/\b(?:from|join)\s+"(jobs|job_stages)"/gi)].map(
        (match) => match[1] ?? "",
      );
      expect(tables.length, statement).toBeGreaterThan(0);
      for (const table of tables) {
        // `"job_stages"."job_id" = $1`, $1 being this job's id: Citus prunes to one shard.
        const filter = new RegExp(`"${table}"\\."job_id"\\s*=\\s*\\$(\\d+)`).exec(statement);
        expect(filter, `${table} in: ${statement}`).not.toBeNull();
        expect(params[index]?.[Number(filter?.[1]) - 1]).toBe(jobId);
      }
      if (new Set(tables).size > 1) {
        // Two distributed tables in one statement: co-located only when joined on job_id.
        expect(statement).toMatch(
          /"jobs"\."job_id"\s*=\s*"job_stages"\."job_id"|"job_stages"\."job_id"\s*=\s*"jobs"\."job_id"/,
        );
      }
    });
  });
});
