import { bundle } from "@forusbots/bundle";

await bundle({
  packageDir: import.meta.dirname,
  entries: { "forus-audit": "src/main.ts" },
  // Loaded from node_modules, not copied into dist/, which is why both are dependencies of this
  // package: PGlite finds its WebAssembly and data files beside its own module, and drizzle-kit's
  // API, which only `check` imports, is megabytes importing drivers this workspace does not have.
  external: ["@electric-sql/pglite", "drizzle-kit"],
});
