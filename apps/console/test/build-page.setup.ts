import { buildPage } from "./console-process.ts";

/**
 * `vite build`, once for the whole run: every test file serves the same dist/, and a build per
 * file would empty it (emptyOutDir) under a console another file is serving, whenever vitest runs
 * the files side by side (one worker per core but one).
 */
export default async function setup(): Promise<void> {
  await buildPage();
}
