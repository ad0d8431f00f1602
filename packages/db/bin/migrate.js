#!/usr/bin/env node
// `pnpm db:migrate` runs the esbuild bundle of src/bin/migrate.ts that `pnpm build` writes: plain
// node loads it several times faster than tsx compiles the sources. The bundle refuses to run
// when older than its sources; this file covers what the bundle cannot, never having been built.
import { existsSync } from "node:fs";

const bundle = new URL("../dist/migrate.js", import.meta.url);
if (existsSync(bundle)) {
  await import(bundle.href);
} else {
  console.error("db:migrate: dist/migrate.js is not built: run `pnpm build`");
  process.exitCode = 2;
}
