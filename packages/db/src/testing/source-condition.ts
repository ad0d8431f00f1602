/**
 * The export condition under which the workspace's packages (`@forusbots/db`,
 * `@forusbots/queries`) resolve to their TypeScript sources instead of their built `dist/`.
 * Everything in this repository reads the sources — typecheck through `customConditions` in
 * tsconfig.base.json, vitest, the bundler, and node processes started with
 * {@link RUN_TYPESCRIPT_FROM_SOURCE} — so an edit is seen at once, with no build in between;
 * an application outside it (or one that, like apps/example-bot, uses no such condition) gets the
 * compiled JavaScript and declarations.
 */
export const SOURCE_CONDITION = "@forusbots/source";

/** Node arguments that run a TypeScript file with tsx, the workspace's packages from source. */
export const RUN_TYPESCRIPT_FROM_SOURCE = [`--conditions=${SOURCE_CONDITION}`, "--import", "tsx"];
