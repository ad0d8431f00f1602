import type { CatalogDump } from "../../catalog/dump.ts";
import type { LiveDetails } from "./live-details.ts";
import { type KeptObject, type PlannedStatement, quoteIdentifier } from "./plan-types.ts";

const KEPT_VIEWS = "adopt_kept_views";

const quoteLiteral = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/**
 * Our views are dropped and created as the migrations define them. Views that are none of ours
 * (aliases of the seed's 003 under other names, an operator's) are kept: their definitions are
 * read inside the transaction, once the columns they read are retyped they are created again
 * from that text. A legacy view under one of our names that a kept view reads moves aside
 * (`<name>_legacy`, kept), so the kept view goes on reading what it read.
 */
export function planViews(
  live: CatalogDump,
  liveDetails: LiveDetails,
  expected: { catalog: CatalogDump; details: LiveDetails },
  mustRebuild: boolean,
  dropOperatorObjects: boolean,
  kept: KeptObject[],
): { drop: PlannedStatement[]; create: PlannedStatement[] } {
  const ours = new Set(expected.catalog.views.map((view) => view.name));
  const liveByName = new Map(live.views.map((view) => [view.name, view]));
  const differs = (name: string) => {
    const want = expected.catalog.views.find((view) => view.name === name);
    const have = liveByName.get(name);
    return !want || !have || JSON.stringify(have) !== JSON.stringify(want);
  };
  if (!mustRebuild && !dropOperatorObjects && ![...ours].some(differs))
    return { drop: [], create: [] };
  const others = liveDetails.views.filter((view) => !ours.has(view.name));
  const keptNames = dropOperatorObjects ? [] : others.map((view) => view.name);
  const movedAside = dropOperatorObjects
    ? []
    : liveDetails.views.filter(
        (view) =>
          ours.has(view.name) &&
          differs(view.name) &&
          liveDetails.viewReads.some(
            (read) => read.reads === view.name && keptNames.includes(read.view),
          ),
      );
  const drop: PlannedStatement[] = movedAside.map((view) => ({
    sql: `ALTER VIEW public.${quoteIdentifier(view.name)} RENAME TO ${quoteIdentifier(`${view.name}_legacy`)}`,
    why: `this ${view.name} is not ours, and the kept ${liveDetails.viewReads
      .filter((read) => read.reads === view.name)
      .map((read) => read.view)
      .join(
        ", ",
      )} reads it: it moves aside, kept, so the views reading it go on reading what they read`,
  }));
  const keptViews = [
    ...others.filter(() => !dropOperatorObjects),
    ...movedAside.map((view) => ({ ...view, name: `${view.name}_legacy` })),
  ];
  for (const view of keptViews) {
    kept.push({
      kind: "view",
      table: null,
      name: view.name,
      definition: view.query.replace(/\s+/g, " ").trim(),
    });
  }
  if (keptViews.length > 0) {
    drop.push({
      sql: `CREATE TEMPORARY TABLE ${KEPT_VIEWS} ON COMMIT DROP AS SELECT c.oid::bigint AS position, c.relname::text AS name, pg_get_viewdef(c.oid) AS query FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'v' AND c.relname IN (${keptViews.map((view) => quoteLiteral(view.name)).join(", ")})`,
      why: "the kept views' definitions as they stand now, to create them again below exactly as they were",
    });
  }
  if (liveDetails.views.length > 0) {
    drop.push({
      sql: `DROP VIEW ${liveDetails.views.map((view) => `public.${quoteIdentifier(movedAside.includes(view) ? `${view.name}_legacy` : view.name)}`).join(", ")}`,
      why: `views hold no data; they read the columns changed below (PostgreSQL refuses to retype a column a view reads) or are replaced by ours; ${dropOperatorObjects ? "--drop-operator-objects: the ones that are none of ours are not created again" : "the kept ones are created again below"}`,
    });
  }
  const create: PlannedStatement[] = expected.details.views.map((view) => ({
    sql: `CREATE VIEW public.${quoteIdentifier(view.name)} AS ${view.query.trim().replace(/;$/, "")}`,
    why: liveByName.has(view.name)
      ? `${view.name} as the migrations define it`
      : `${view.name} is missing (the seed's views are here under other names)`,
  }));
  if (keptViews.length > 0) {
    create.push({
      sql: `DO $recreate$ DECLARE kept record; BEGIN FOR kept IN SELECT name, query FROM pg_temp.${KEPT_VIEWS} ORDER BY position LOOP EXECUTE format('CREATE VIEW public.%I AS %s', kept.name, kept.query); END LOOP; END $recreate$`,
      why: `creates the kept views ${keptViews.map((view) => view.name).join(", ")} again from their own definitions, oldest first (so each finds the views it reads)`,
    });
  }
  return { drop, create };
}
