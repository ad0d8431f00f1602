/** Type names a cast in `pg_get_constraintdef` output may name in our tables' rules. */
const CAST =
  /::(?:character varying|text|varchar|integer|bigint|numeric|jsonb|uuid|double precision|boolean|timestamp with time zone|timestamp without time zone)(?:\(\d+\))?(?:\[\])?/g;

/** Parentheses around one name, literal or array literal, which group nothing. */
const REDUNDANT_PARENTHESES = /\(([\w.']+|ARRAY\[[^\]]*\])\)/g;

/** Replaces until nothing changes: removing one layer can expose the next. */
function untilStable(text: string, step: (text: string) => string): string {
  let current = text;
  for (let next = step(current); next !== current; next = step(current)) current = next;
  return current;
}

/**
 * A constraint definition with what differs between a rule written against VARCHAR columns and the
 * same rule against text taken out: the casts PostgreSQL adds (`(state)::text`,
 * `'queued'::character varying`) and the parentheses left around single terms. Parentheses that
 * group an expression stay, so `(a OR b) AND c` and `a OR (b AND c)` still differ. Two rules that
 * read the same afterwards compare the same values with the same operators.
 */
export function ruleShape(definition: string): string {
  const bare = untilStable(definition.replace(CAST, "").replace(/\s+/g, " ").trim(), (text) =>
    text.replace(REDUNDANT_PARENTHESES, "$1"),
  );
  return untilStable(bare, (text) => text.replace(/^CHECK \(\((.*)\)\)$/, "CHECK ($1)"));
}

/** An index definition without its own name, to find ours under another one. */
export function indexShape(definition: string): string {
  return definition.replace(/^(CREATE (?:UNIQUE )?INDEX )\S+ ON /, "$1 ON ");
}
