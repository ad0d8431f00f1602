import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bundle } from "@forusbots/bundle";

/**
 * This package's `dependencies` are exactly what dist/forus-audit.js loads from node_modules at
 * run time, so they are the bundle's externals; everything esbuild copies into the bundle (the
 * workspace packages, commander, drizzle-orm) is a devDependency: needed to build, not to run.
 * The two externals cannot be inlined: PGlite finds its WebAssembly and data files beside its own
 * module, and drizzle-kit's API, which only `check` imports, is megabytes importing drivers this
 * workspace does not have.
 */
const { dependencies } = JSON.parse(
  readFileSync(join(import.meta.dirname, "package.json"), "utf8"),
) as { dependencies: Record<string, string> };

await bundle({
  packageDir: import.meta.dirname,
  entries: { "forus-audit": "src/main.ts" },
  external: Object.keys(dependencies),
});
