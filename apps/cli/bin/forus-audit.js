#!/usr/bin/env node
// forus-audit runs as the esbuild bundle of src/main.ts that `pnpm build` writes (`pnpm cli` builds
// it first): plain node loads it several times faster than tsx compiles the sources. The bundle
// refuses to run when older than its sources; this file covers what the bundle cannot, never
// having been built.
import { existsSync } from "node:fs";

const bundle = new URL("../dist/forus-audit.js", import.meta.url);
if (existsSync(bundle)) {
  await import(bundle.href);
} else {
  console.error("forus-audit: dist/forus-audit.js is not built: run `pnpm build`");
  process.exitCode = 2;
}
