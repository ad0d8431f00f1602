/**
 * `pg_get_viewdef` text is not stable across major versions: PostgreSQL 15 qualifies the columns
 * of a single-table view with the table name (`jobs.bot_id`) where PGlite (PostgreSQL 17) prints
 * them bare, and line breaks move. Dropping the qualifiers of the schema's own tables and folding
 * whitespace makes both print the same, and still catches a changed expression, filter, join,
 * order or limit. (Aliases such as `s.job_id` are kept: both versions print them.)
 */
export function normalizeViewDefinition(definition: string, tableNames: string[]): string {
  let text = definition.replace(/\s+/g, " ").trim();
  for (const table of tableNames) {
    const escaped = table.replace(/[^a-z0-9_]/gi, "");
    text = text.replace(new RegExp(`(?<![\\w."])${escaped}\\.(?=[a-z_"])`, "g"), "");
  }
  return text;
}
