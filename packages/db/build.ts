import { bundle } from "@forusbots/bundle";

await bundle({
  packageDir: import.meta.dirname,
  entries: { migrate: "src/bin/migrate.ts" },
  external: [
    // PGlite loads its WebAssembly and data files from beside its own module, so it cannot be
    // copied into dist/; its driver is a chunk loaded only when DATABASE_URL is unset.
    "@electric-sql/pglite",
    // The drift check's dynamic import of drizzle-kit/api is in the module graph (through
    // migrator/index.ts) though migrate never calls it; inlined, it would be megabytes of code
    // importing database drivers this workspace does not have.
    "drizzle-kit",
  ],
});
