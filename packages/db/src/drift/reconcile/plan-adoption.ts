import { sql } from "drizzle-orm";
import type { CatalogDump } from "../../catalog/dump.ts";
import type { DatabaseHandle } from "../../client/handle.ts";
import type { MigrationFile } from "../../migrator/journal.ts";
import { TRACKING_SCHEMA } from "../../migrator/tracking.ts";
import { buildExpectedStep } from "./expected-step.ts";
import { CREATE_KEPT_OBJECTS_TABLE, KEPT_OBJECTS_TABLE } from "./kept-objects.ts";
import type { LiveDetails } from "./live-details.ts";
import { planColumns } from "./plan-columns.ts";
import { planConstraints } from "./plan-constraints.ts";
import { planIndexes } from "./plan-indexes.ts";
import {
  emptyChanges,
  type KeptObject,
  type Obstacle,
  type PlannedStatement,
  quoteIdentifier,
  type RowViolation,
} from "./plan-types.ts";
import { planViews } from "./plan-views.ts";
import { type RecognisedStep, recogniseLegacyStep } from "./recognise-step.ts";
import { findViolatingRows, type RowKey, rowKeyOf } from "./row-violations.ts";

export interface AdoptionPlan {
  step: RecognisedStep;
  /** In order; empty when the schema already is the step's. */
  statements: PlannedStatement[];
  kept: KeptObject[];
  /** Rules stored rows break: the plan must not run while there are any. */
  violations: RowViolation[];
  /** Differences the plan cannot reconcile without changing data: it must not run either. */
  obstacles: Obstacle[];
  /** What a later migration will do to the data (006's de-dup when 006 never ran). */
  notices: string[];
  /** Rows before adoption; the plan verifies them unchanged in its transaction. */
  rowCounts: AuditRowCounts;
}

export interface AuditRowCounts {
  jobs: number;
  job_stages: number;
}

export async function countAuditRows(handle: DatabaseHandle): Promise<AuditRowCounts> {
  const [counts] = await handle.query<AuditRowCounts & Record<string, unknown>>(sql`
    SELECT (SELECT count(*)::int FROM public.jobs) AS jobs,
           (SELECT count(*)::int FROM public.job_stages) AS job_stages`);
  return counts ?? { jobs: 0, job_stages: 0 };
}

/** The audit tables whose rows the adoption must leave exactly as they are. */
const AUDIT_TABLES = ["jobs", "job_stages"] as const;

const ROW_COUNTS = "adopt_row_counts";

function countStatements(): { before: PlannedStatement; after: PlannedStatement } {
  const counts = AUDIT_TABLES.map(
    (table) => `(SELECT count(*) FROM public.${quoteIdentifier(table)}) AS ${table}`,
  );
  const changed = AUDIT_TABLES.map(
    (table) =>
      `(SELECT ${table} FROM pg_temp.${ROW_COUNTS}) <> (SELECT count(*) FROM public.${quoteIdentifier(table)})`,
  );
  return {
    before: {
      sql: `CREATE TEMPORARY TABLE ${ROW_COUNTS} ON COMMIT DROP AS SELECT ${counts.join(", ")}`,
      why: "counts the rows before any change, to prove at the end that the adoption changed none",
    },
    after: {
      sql: `DO $verify$ BEGIN IF ${changed.join(" OR ")} THEN RAISE EXCEPTION 'adopt: the row counts of jobs or job_stages changed during the adoption; it is rolled back'; END IF; END $verify$`,
      why: "the row counts are the same as before (the whole adoption rolls back otherwise)",
    },
  };
}

/** Duplicate stages where 006 never ran: 0004_job_stages_dedupe will delete them when migrate runs. */
async function describePendingDedupe(handle: DatabaseHandle, key: RowKey): Promise<string | null> {
  const later = await findViolatingRows(
    handle,
    "duplicate stages",
    "job_stages",
    `EXISTS (SELECT 1 FROM public.job_stages AS earlier WHERE earlier.job_id = job_stages.job_id AND earlier.stage_name = job_stages.stage_name AND earlier.started_at = job_stages.started_at AND earlier.id < job_stages.id)`,
    key,
  );
  if (!later) return null;
  return `${later.count} stage row(s) repeat an earlier row's (job_id, stage_name, started_at): migrate's 0004_job_stages_dedupe (the seed's 006) deletes them, keeping the earliest of each; ids ${later.keys.join(", ")}${later.count > later.keys.length ? ", …" : ""}`;
}

function keptOutsideTables(live: CatalogDump, expected: CatalogDump, kept: KeptObject[]): void {
  const tables = new Set(expected.tables.map((table) => table.name));
  for (const table of live.tables.filter((candidate) => !tables.has(candidate.name))) {
    kept.push({
      kind: "table",
      table: null,
      name: table.name,
      definition: `table of ${table.columns.length} column(s)`,
    });
  }
  const sequences = new Set(expected.sequences);
  for (const name of live.sequences.filter((candidate) => !sequences.has(candidate))) {
    kept.push({ kind: "sequence", table: null, name, definition: "sequence" });
  }
  for (const [signature, body] of Object.entries(live.functions)) {
    if (!(signature in expected.functions))
      kept.push({ kind: "function", table: null, name: signature, definition: body });
  }
  for (const table of live.tables.filter((candidate) => tables.has(candidate.name))) {
    const want = expected.tables.find((candidate) => candidate.name === table.name);
    for (const [name, definition] of Object.entries(table.triggers)) {
      if (!(name in (want?.triggers ?? {})))
        kept.push({ kind: "trigger", table: table.name, name, definition });
    }
  }
}

export interface PlanOptions {
  files: MigrationFile[];
  dropOperatorObjects: boolean;
}

/**
 * The ordered, data-preserving DDL that turns a database built by the seed's hand-run scripts
 * into the schema of the migration step it has reached, with a reason for each statement, and
 * what stands in the way of running it. Reads only.
 */
export async function planAdoption(
  handle: DatabaseHandle,
  live: CatalogDump,
  liveDetails: LiveDetails,
  options: PlanOptions,
): Promise<AdoptionPlan> {
  const step = recogniseLegacyStep(live, liveDetails);
  const expected = await buildExpectedStep(options.files, step.tag);
  const changes = emptyChanges();
  let retyped = false;
  const claimedIndexes = new Set<string>();
  for (const want of expected.catalog.tables) {
    const have = live.tables.find((table) => table.name === want.name);
    if (!have) {
      changes.obstacles.push({ what: `table ${want.name} is missing` });
      continue;
    }
    const key = rowKeyOf(want.name, liveDetails.constraints);
    const constraintsOf = (details: LiveDetails) =>
      details.constraints.filter((constraint) => constraint.table === want.name);
    const indexesOf = (details: LiveDetails) =>
      details.indexes.filter((index) => index.table === want.name);
    const columns = await planColumns(handle, want, have, key, changes);
    retyped = columns.retyped || retyped;
    const lateBefore = changes.late.length;
    await planConstraints(
      handle,
      {
        table: want.name,
        want: constraintsOf(expected.details),
        have: constraintsOf(liveDetails),
        haveIndexes: indexesOf(liveDetails),
        key,
        dropOperatorObjects: options.dropOperatorObjects,
      },
      changes,
    );
    for (const statement of changes.late.slice(lateBefore)) {
      const usingIndex = / USING INDEX "(.+)"$/.exec(statement.sql);
      if (usingIndex?.[1]) claimedIndexes.add(usingIndex[1]);
    }
    planIndexes(
      want.name,
      indexesOf(expected.details),
      indexesOf(liveDetails),
      claimedIndexes,
      columns.replaced,
      options.dropOperatorObjects,
      changes,
    );
  }
  keptOutsideTables(live, expected.catalog, changes.kept);
  const views = planViews(
    live,
    liveDetails,
    expected,
    retyped,
    options.dropOperatorObjects,
    changes.kept,
  );

  const notices: string[] = [];
  const hasStageKey = expected.details.constraints.some(
    (constraint) => constraint.name === "uq_job_stages_job_id_stage_name_started_at",
  );
  if (!hasStageKey) {
    const dedupe = await describePendingDedupe(
      handle,
      rowKeyOf("job_stages", liveDetails.constraints),
    );
    if (dedupe) notices.push(dedupe);
  }

  const schemaChanges = [
    ...views.drop,
    ...changes.dropped,
    ...changes.early,
    ...changes.renames,
    ...changes.columns,
    ...changes.late,
    ...views.create,
  ];
  const { before, after } = countStatements();
  const statements: PlannedStatement[] = [
    {
      sql: `LOCK TABLE ${AUDIT_TABLES.map((table) => `public.${quoteIdentifier(table)}`).join(", ")} IN ${schemaChanges.length > 0 ? "ACCESS EXCLUSIVE" : "SHARE"} MODE`,
      why:
        schemaChanges.length > 0
          ? "the ALTERs below need this lock; taken first, waiting at most the lock timeout, so no write lands between the row count and the end"
          : "no writer may land between the row count and its check; readers go on",
    },
    before,
    ...schemaChanges,
    {
      sql: CREATE_KEPT_OBJECTS_TABLE,
      why: `${TRACKING_SCHEMA}.${KEPT_OBJECTS_TABLE} lists what adopt kept, so check does not report it as drift`,
    },
    after,
  ];
  return {
    step,
    // One line of why per statement, whatever definition it quotes.
    statements: statements.map((statement) => ({
      ...statement,
      why: statement.why.replace(/\s+/g, " "),
    })),
    kept: changes.kept,
    violations: changes.violations,
    obstacles: changes.obstacles,
    notices,
    rowCounts: await countAuditRows(handle),
  };
}
