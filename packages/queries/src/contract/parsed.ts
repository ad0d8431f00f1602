/**
 * What a parser of the contract answers: the value, or what it expected instead, worded to follow
 * the name of what was given (`--from: expected …`, `query parameter from: expected …`). A value
 * rather than a thrown error, so that each caller reports it in its own terms: commander's
 * `InvalidArgumentError` in the CLI, a 400 naming the parameter in the console.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

export const accepted = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const refused = <T>(problem: string): Parsed<T> => ({ ok: false, problem });
