import type { DatabaseHandle } from "@forusbots/db";
import { type SQL, sql } from "drizzle-orm";

/**
 * The partitioning prototype's schema, made from a freshly migrated (empty) database: `jobs` and
 * `job_stages` become range-partitioned by month on `accepted_at`, everything else as the
 * migrations built it. Not a migration: the bench measures it beside the real schema, and
 * docs/scale.md says what adopting it would take.
 *
 * What partitioning forces on the design, each visible below:
 * - every unique key must hold the partition key: `jobs` is keyed (job_id, accepted_at), so
 *   job_id alone is no longer unique across months (a replayed acceptance with another time
 *   would store a second job);
 * - `job_stages` carries its job's `accepted_at`, to be partitioned alike and to reference
 *   `jobs (job_id, accepted_at)`, the only key there is;
 * - the views, the rollup triggers and the other indexes are taken from the migrated schema and
 *   recreated on the new parents (statement triggers with transition tables are allowed on a
 *   partitioned table's parent, not on a partition).
 */
export async function partitionByMonth(
  handle: DatabaseHandle,
  months: readonly Date[],
): Promise<void> {
  const views = await handle.query<{ name: string; definition: string }>(sql`
    SELECT c.relname AS name, pg_get_viewdef(c.oid) AS definition
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'v' ORDER BY c.oid`);
  const triggers = await handle.query<{ definition: string }>(sql`
    SELECT pg_get_triggerdef(t.oid) AS definition FROM pg_trigger t
    WHERE t.tgrelid IN ('jobs'::regclass, 'job_stages'::regclass) AND NOT t.tgisinternal`);
  // Plain indexes only: the keys are redefined below with the partition key in them.
  const indexes = await handle.query<{ definition: string }>(sql`
    SELECT pg_get_indexdef(i.indexrelid) AS definition FROM pg_index i
    WHERE i.indrelid IN ('jobs'::regclass, 'job_stages'::regclass)
      AND NOT i.indisprimary AND NOT i.indisunique`);
  const statements: SQL[] = [
    // Every view goes and comes back, those over the rollups too: a view is bound to its tables.
    ...views.map((view) => sql`DROP VIEW IF EXISTS ${sql.identifier(view.name)} CASCADE`),
    // The serial's sequence belongs to the old column and would be dropped with it.
    sql`ALTER SEQUENCE job_stages_id_seq OWNED BY NONE`,
    sql`ALTER TABLE job_stages RENAME TO job_stages_unpartitioned`,
    sql`ALTER TABLE jobs RENAME TO jobs_unpartitioned`,
    sql`CREATE TABLE jobs (LIKE jobs_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED)
        PARTITION BY RANGE (accepted_at)`,
    sql`CREATE TABLE job_stages (LIKE job_stages_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED,
                                 accepted_at timestamptz NOT NULL)
        PARTITION BY RANGE (accepted_at)`,
    sql`DROP TABLE job_stages_unpartitioned, jobs_unpartitioned CASCADE`,
    sql`ALTER TABLE jobs ADD CONSTRAINT jobs_pkey PRIMARY KEY (job_id, accepted_at)`,
    sql`ALTER TABLE job_stages ADD CONSTRAINT job_stages_pkey PRIMARY KEY (id, accepted_at)`,
    sql`ALTER TABLE job_stages ADD CONSTRAINT uq_job_stages_job_id_stage_name_started_at
        UNIQUE (job_id, stage_name, started_at, accepted_at)`,
    sql`ALTER TABLE job_stages ADD CONSTRAINT fk_job_stages_job_id FOREIGN KEY (job_id, accepted_at)
        REFERENCES jobs (job_id, accepted_at) ON DELETE CASCADE`,
    ...months.flatMap((month, index) => {
      const next = months[index + 1];
      if (next === undefined) return [];
      return ["jobs", "job_stages"].map(
        (table) =>
          sql`CREATE TABLE ${sql.identifier(partitionName(table, month))} PARTITION OF ${sql.identifier(table)}
              FOR VALUES FROM (${sql.raw(`'${month.toISOString()}'`)}) TO (${sql.raw(`'${next.toISOString()}'`)})`,
      );
    }),
    ...indexes.map((index) => sql.raw(index.definition)),
    ...triggers.map((trigger) => sql.raw(trigger.definition)),
    ...views.map(
      (view) => sql`CREATE VIEW ${sql.identifier(view.name)} AS ${sql.raw(view.definition)}`,
    ),
  ];
  await handle.db.transaction(async (tx) => {
    for (const statement of statements) await tx.execute(statement);
  });
}

/** `jobs_2025_10`: the partition of the month starting at `month`. */
export const partitionName = (table: string, month: Date): string =>
  `${table}_${month.getUTCFullYear()}_${String(month.getUTCMonth() + 1).padStart(2, "0")}`;

/** The first instants of the months from the one holding `from` to the one after `to`. */
export function monthStarts(from: Date, to: Date): Date[] {
  const months: Date[] = [];
  let month = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), 1));
  while (months.length === 0 || (months.at(-1) as Date) <= to) {
    months.push(month);
    month = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1));
  }
  return months;
}
