import { type SQL, sql } from "drizzle-orm";
import { dumpCatalog } from "../catalog/dump.ts";
import type { DatabaseHandle } from "../client/handle.ts";
import { MigrationError, RefusedError } from "../errors.ts";
import { withMigrationLock } from "../migrator/advisory-lock.ts";
import { type MigrationFile, readMigrationFiles } from "../migrator/journal.ts";
import { type LockOptions, resolveLockOptions } from "../migrator/migrate.ts";
import { runScript } from "../migrator/run-script.ts";
import {
  ensureTrackingTable,
  readAppliedMigrations,
  TRACKING_SCHEMA,
  TRACKING_TABLE,
} from "../migrator/tracking.ts";
import { recordKeptObjects } from "./reconcile/kept-objects.ts";
import { readLiveDetails } from "./reconcile/live-details.ts";
import { type AuditRowCounts, countAuditRows, planAdoption } from "./reconcile/plan-adoption.ts";
import type { KeptObject, PlannedStatement, RowViolation } from "./reconcile/plan-types.ts";

export interface AdoptResult {
  /** The migration step the database was reconciled to; it and every older one are recorded. */
  baseline: string;
  recorded: string[];
  /** What in the live schema named the step. */
  evidence: string[];
  /** The reconciliation, in order, each with its reason (run unless a dry run). */
  statements: PlannedStatement[];
  kept: KeptObject[];
  notices: string[];
  rowCounts: { before: AuditRowCounts; after: AuditRowCounts | null };
}

export interface AdoptOptions extends LockOptions {
  files?: MigrationFile[];
  /** Plan and report, change nothing. */
  dryRun?: boolean;
  /** Drop indexes, checks, triggers and views of no rule of ours instead of keeping them. */
  dropOperatorObjects?: boolean;
}

const describeViolation = (violation: RowViolation): string =>
  `${violation.count} row(s) of ${violation.table} break ${violation.rule}: ${violation.keyLabel} ${violation.keys.join(", ")}${violation.count > violation.keys.length ? ", …" : ""}`;

/** The tracking rows of the baseline and the kept objects: one statement, run last. */
function recordAdoption(files: MigrationFile[], kept: KeptObject[]): SQL {
  // applied_at stays NULL: the psql scripts ran at a time nobody recorded.
  const tracking = sql`INSERT INTO ${sql.identifier(TRACKING_SCHEMA)}.${sql.identifier(TRACKING_TABLE)} (hash, created_at)
    VALUES ${sql.join(
      files.map((file) => sql`(${file.hash}, ${file.createdAt})`),
      sql`, `,
    )}`;
  const keptRows = recordKeptObjects(kept);
  return keptRows === null ? tracking : sql`WITH kept AS (${keptRows}) ${tracking}`;
}

/**
 * Takes over a database built by the seed's hand-run psql scripts (001, 002, 003, 005, 006), by
 * hand and not always to the letter: it names the newest script the schema shows (see
 * recogniseLegacyStep), plans the DDL that turns the live schema into that migration step's
 * (planAdoption), and, unless a dry run, runs it under the migration lock in one transaction with
 * the lock timeout, then records the migrations up to that step. Stored rows are never changed:
 * when some break a rule the plan adds, or a difference needs a data change, it lists them and
 * changes nothing.
 */
export async function adoptLegacyDatabase(
  handle: DatabaseHandle,
  options: AdoptOptions = {},
): Promise<AdoptResult> {
  const files = options.files ?? readMigrationFiles();
  const { timeouts, lockRetry } = resolveLockOptions(options);
  return withMigrationLock(handle, async () => {
    const applied = await readAppliedMigrations(handle);
    if (applied.length > 0) {
      throw new RefusedError(
        `the database already records ${applied.length} applied migration(s); adopt is only for databases built by the old psql scripts (use status and migrate)`,
      );
    }
    const live = await dumpCatalog(handle);
    if (live.tables.length === 0) {
      throw new RefusedError("the database has no tables: nothing to adopt (run migrate instead)");
    }
    const plan = await planAdoption(handle, live, await readLiveDetails(handle), {
      files,
      dropOperatorObjects: options.dropOperatorObjects === true,
    });
    if (plan.violations.length > 0 || plan.obstacles.length > 0) {
      throw new MigrationError(
        `the schema is the seed's ${plan.step.script} (migration ${plan.step.tag}) but cannot be reconciled as it stands, so nothing was changed: ${[
          ...plan.violations.map(describeViolation),
          ...plan.obstacles.map((obstacle) => obstacle.what),
        ].join("; ")}`,
      );
    }
    const baselineIndex = files.findIndex((file) => file.tag === plan.step.tag);
    const recorded = files.slice(0, baselineIndex + 1);
    if (!options.dryRun) {
      await ensureTrackingTable(handle);
      await runScript(
        handle,
        {
          label: `adoption at ${plan.step.tag}`,
          statements: plan.statements.map((statement) => statement.sql),
          transactional: true,
        },
        recordAdoption(recorded, plan.kept),
        { timeouts, lockRetry },
      );
    }
    return {
      baseline: plan.step.tag,
      recorded: recorded.map((file) => file.tag),
      evidence: plan.step.evidence,
      statements: plan.statements,
      kept: plan.kept,
      notices: plan.notices,
      rowCounts: {
        before: plan.rowCounts,
        after: options.dryRun ? null : await countAuditRows(handle),
      },
    };
  });
}
