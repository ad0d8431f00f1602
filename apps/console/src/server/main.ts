import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { describeFailure } from "@forusbots/db";
import { serve } from "@hono/node-server";
import { hostPolicy } from "./access/host-names.ts";
import { createConsoleApp } from "./app.ts";
import { loadConsoleConfig } from "./config.ts";
import { connectOnDemand } from "./database-connection.ts";
import { isBuiltSite } from "./site.ts";

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
  const connection = connectOnDemand(config.audit.database, {
    statementTimeoutMs: config.statementTimeoutMs,
  });
  let listeningPort = config.port;
  const access = {
    // With PORT=0 the port is known once listening, before any request can arrive.
    isOwnHost: hostPolicy({
      port: () => listeningPort,
      listenHost: config.host,
      allowedHosts: config.allowedHosts,
    }),
    ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
  };
  const app = createConsoleApp({ connection, access, siteDir: SITE_DIR });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => {
    listeningPort = (server.address() as AddressInfo).port;
    const login = config.credentials === undefined ? "" : ", asking for its credentials";
    console.log(
      `console: http://localhost:${listeningPort} reading ${connection.description} (listening on ${config.host}${login})`,
    );
  });
  server.on("error", fail);

  // Opened now only to tell the operator early; a failure is not fatal, the page reports it and
  // every request tries again.
  connection.ping().catch((error: unknown) => {
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
