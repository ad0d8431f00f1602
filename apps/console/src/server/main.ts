import { fileURLToPath } from "node:url";
import { describeFailure } from "@forusbots/db";
import { serve } from "@hono/node-server";
import { createConsoleApp } from "./app.ts";
import { loadConsoleConfig } from "./config.ts";
import { connectOnDemand } from "./database-connection.ts";
import { isBuiltSite } from "./site.ts";

/** Listens on localhost only: the console shows audit data and has no login of its own. */
const HOSTNAME = "127.0.0.1";
const SITE_DIR = fileURLToPath(new URL("../../dist", import.meta.url));

function fail(error: unknown): never {
  const { message, exitCode } = describeFailure(error);
  console.error(`console: ${message}`);
  process.exit(exitCode);
}

function main(): void {
  const config = loadConsoleConfig();
  if (!isBuiltSite(SITE_DIR)) {
    console.error(
      "console: the page is not built: run `pnpm --filter @forusbots/console build` (`pnpm console` builds it for you)",
    );
    process.exit(2);
  }
  const connection = connectOnDemand(config.audit.database);
  const app = createConsoleApp({ connection, siteDir: SITE_DIR });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: HOSTNAME }, (info) => {
    console.log(`console: http://localhost:${info.port} reading ${connection.description}`);
  });
  server.on("error", fail);

  // Opened now only to tell the operator early; a failure is not fatal, the page reports it and
  // every request tries again.
  connection.db().catch((error: unknown) => {
    console.error(
      `console: ${describeFailure(error).message} (the page will say so until it answers)`,
    );
  });

  const stop = () => {
    server.close();
    // Closing releases the embedded database's lock for the CLI.
    connection.close().finally(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

try {
  main();
} catch (error) {
  fail(error);
}
