/**
 * The sizes an event may have, for every way one arrives (a recorder call, a line of ingest, a
 * spooled event), so that nothing the database would refuse, or a parser could not take, is
 * ever sent. The names' lengths are the tables' own (`MAX_BOT_ID_LENGTH`,
 * `MAX_STAGE_NAME_LENGTH` in @forusbots/db/schema), enforced by their CHECKs too.
 */

/**
 * How deep a JSON column's value (`meta`, `result`, `error`) may nest, its own object being level
 * 1. Real payloads nest a handful of levels; thousands make JSON.stringify and recursive readers
 * overflow the stack.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The most an event may take as one line of JSON, in bytes (UTF-8): the default line limit of
 * `forus-audit ingest` (`--max-line-bytes`) and the limit of a recorder call, so that whatever is
 * recorded can be exported and ingested again as it is.
 */
export const MAX_EVENT_BYTES = 1024 * 1024;
