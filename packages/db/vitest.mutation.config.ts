import { auditTestConfig } from "./src/testing/vitest-config.ts";

/**
 * What `pnpm test:mutation` runs against each mutant of the migrator: the migrator's own
 * in-process tests. `drizzle-compat.test.ts` is left out: it spawns the `db:migrate` bundle and
 * drizzle-kit, which never hold a mutant (and the sandbox has no bundle).
 */
export default auditTestConfig({
  include: ["src/migrator/**/*.test.ts"],
  exclude: ["src/migrator/drizzle-compat.test.ts"],
});
