import { bundle } from "@forusbots/bundle";

await bundle({
  packageDir: import.meta.dirname,
  entries: { migrate: "src/bin/migrate.ts" },
  // PGlite loads its WebAssembly and data files from beside its own module, so it cannot be
  // copied into dist/; its driver is a chunk loaded only when DATABASE_URL is unset. (drizzle-kit,
  // which only the drift check loads, is out of the migrator's module graph: the layer check in
  // `pnpm lint` keeps the migrator from importing drift.)
  external: ["@electric-sql/pglite"],
});
