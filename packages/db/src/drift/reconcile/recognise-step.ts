import type { CatalogDump } from "../../catalog/dump.ts";
import { MigrationError } from "../../errors.ts";
import type { LiveDetails } from "./live-details.ts";

/**
 * The seed's hand-run scripts in the order its README applies them (004_reset_schema was
 * development-only), each with the migration that took its place.
 */
export const LEGACY_HISTORY = [
  { script: "001_init", tag: "0000_init" },
  { script: "002_views", tag: "0001_views" },
  { script: "003_alias_views", tag: "0002_alias_views" },
  { script: "005_ms_durations", tag: "0003_ms_durations" },
  { script: "006_job_stages_dedupe", tag: "0004_job_stages_dedupe" },
] as const;

export interface RecognisedStep {
  script: string;
  tag: string;
  /** What in the live schema says so, one phrase per script reached. */
  evidence: string[];
}

const STAGE_KEY = ["job_id", "stage_name", "started_at"].join();

/**
 * Which kind of the seed's 002 views a view is, told by the columns the seed documents for it,
 * whatever it is named: an alias of 003 shows the same columns under another name.
 */
function seedViewKind(columns: string[]): string | null {
  if (columns.includes("total_jobs") && columns.includes("success_rate")) return "metrics by bot";
  if (columns.includes("stage_count") && columns.includes("job_id")) return "recent jobs";
  if (columns.includes("stage_name") && !columns.includes("job_id")) return "stage summary";
  return null;
}

/**
 * Names the newest of the seed's scripts a database built by hand has reached, from what each one
 * leaves behind rather than from names, which hand-written DDL does not reproduce: 001 the two
 * tables; 002 a view of each kind the seed lists; 003 a second view of a kind (the aliases);
 * 005 a `duration_ms` column; 006 a unique key on (job_id, stage_name, started_at), as a
 * constraint or a unique index.
 */
export function recogniseLegacyStep(live: CatalogDump, details: LiveDetails): RecognisedStep {
  const tables = new Set(live.tables.map((table) => table.name));
  const missing = ["jobs", "job_stages"].filter((name) => !tables.has(name));
  if (missing.length > 0) {
    throw new MigrationError(
      `this is not a database built by the seed's 001_init: table ${missing.join(" and ")} missing, so nothing was changed`,
    );
  }
  const evidence = ["tables jobs and job_stages (001_init)"];
  let reached = 0;

  const kinds = new Map<string, string[]>();
  for (const view of live.views) {
    const kind = seedViewKind(view.columns.map((column) => column.name));
    if (kind !== null) kinds.set(kind, [...(kinds.get(kind) ?? []), view.name]);
  }
  if (kinds.size > 0) {
    reached = 1;
    evidence.push(`views ${[...kinds.values()].flat().sort().join(", ")} (002_views)`);
  }
  const aliased = [...kinds.entries()].filter(([, names]) => names.length > 1);
  if (aliased.length > 0) {
    reached = 2;
    evidence.push(
      `a second view of the same columns: ${aliased.map(([kind, names]) => `${kind} as ${names.join(" and ")}`).join("; ")} (003_alias_views)`,
    );
  }
  const durations = live.tables
    .filter((table) => table.columns.some((column) => column.name === "duration_ms"))
    .map((table) => `${table.name}.duration_ms`);
  if (durations.length > 0) {
    reached = 3;
    evidence.push(`column ${durations.join(" and ")} (005_ms_durations)`);
  }
  const stageKey =
    details.constraints.find(
      (constraint) =>
        constraint.table === "job_stages" &&
        constraint.kind === "u" &&
        [...constraint.columns].sort().join() === [...STAGE_KEY.split(",")].sort().join(),
    )?.name ??
    details.indexes.find(
      (index) =>
        index.table === "job_stages" &&
        index.unique &&
        index.definition.endsWith(`(${STAGE_KEY.split(",").join(", ")})`),
    )?.name;
  if (stageKey !== undefined) {
    reached = 4;
    evidence.push(`unique stage key ${stageKey} (006_job_stages_dedupe)`);
  }
  const step = LEGACY_HISTORY[reached] ?? LEGACY_HISTORY[0];
  return { script: step.script, tag: step.tag, evidence };
}
