/**
 * `pnpm db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded database when
 * it is unset, and prints what it applied.
 */
import { describeTarget, loadConfig } from "../config.ts";
import { describeFailure } from "../errors.ts";
import { runMigrations } from "../migrator/index.ts";

try {
  const config = loadConfig();
  console.log(`Migrating ${describeTarget(config.database)}`);
  const result = await runMigrations(config.database, {
    onEvent: (event) => {
      if (event.type === "applied") {
        console.log(
          `  applied ${event.tag} (${event.statements} statements, ${event.milliseconds} ms)`,
        );
      }
    },
  });
  console.log(
    result.applied.length === 0
      ? `Already up to date (${result.alreadyApplied} migrations applied).`
      : `Applied ${result.applied.length} migration(s); ${result.alreadyApplied + result.applied.length} in all.`,
  );
} catch (error) {
  const { message, exitCode } = describeFailure(error);
  console.error(`db:migrate: ${message}`);
  process.exitCode = exitCode;
}
