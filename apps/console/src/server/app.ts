import { describeStack } from "@forusbots/db";
import { getJobWithStages } from "@forusbots/queries";
import { Hono } from "hono";
import { type AccessPolicy, accessGuard, securityHeaders } from "./access/guard.ts";
import type { DatabaseConnection } from "./database-connection.ts";
import { toErrorResponse } from "./error-response.ts";
import type { RequestParams } from "./request-params.ts";
import { botRoutes } from "./routes/bots.ts";
import { failureRoutes } from "./routes/failures.ts";
import { jobRoutes } from "./routes/jobs.ts";
import { searchRoutes } from "./routes/search.ts";
import { stageRoutes } from "./routes/stages.ts";
import { statusRoutes } from "./routes/status.ts";
import { serveSite } from "./site.ts";

export interface ConsoleAppOptions {
  connection: DatabaseConnection;
  /** Which Host names it answers to, and the credentials it asks for if any (access/). */
  access: AccessPolicy;
  /** The built page (`vite build` output); without it only the JSON API is served. */
  siteDir?: string;
  /**
   * Where unexpected failures are written; the answer itself never carries a stack trace. The
   * default logs the stacks without any statement's parameters (`console.error(error)` would
   * print drizzle's message, which holds them).
   */
  logError?: (error: unknown) => void;
  /** The clock relative times (`from=7d`, `to=now`) count from; tests fix it. */
  now?: () => Date;
}

/** The console's HTTP surface: a read-only JSON API under /api and the page for everything else. */
export function createConsoleApp(options: ConsoleAppOptions): Hono {
  const {
    connection,
    access,
    siteDir,
    logError = (error) => console.error(describeStack(error)),
    now = () => new Date(),
  } = options;
  const paramsOf = (query: RequestParams["query"]): RequestParams => ({ query, now: now() });
  const app = new Hono();

  // First, so that every answer carries them, refusals and errors included.
  app.use("*", securityHeaders);
  app.use("*", accessGuard(access));
  // Audit data is never kept in a browser's or a proxy's cache.
  app.use("/api/*", async (c, next) => {
    await next();
    c.res.headers.set("Cache-Control", "no-store");
  });

  // Read-only by construction: nothing but GET (and HEAD, which Hono answers from GET) gets past.
  app.use("*", async (c, next) => {
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      c.header("Allow", "GET, HEAD");
      return c.json(
        {
          error: {
            kind: "usage",
            message: `the console is read-only: ${c.req.method} is not allowed`,
          },
        },
        405,
      );
    }
    await next();
  });

  app.route("/api/status", statusRoutes(connection));
  app.route("/api/bots", botRoutes(connection, paramsOf));
  app.route("/api/jobs", jobRoutes(connection, paramsOf));
  app.route("/api/stages", stageRoutes(connection, paramsOf));
  app.route("/api/failures", failureRoutes(connection, paramsOf));
  app.route("/api/search", searchRoutes(connection, paramsOf));
  app.get("/api/*", (c) =>
    c.json({ error: { kind: "not_found", message: `no API route ${c.req.path}` } }, 404),
  );

  if (siteDir !== undefined) {
    // The job page answers with the status its API call gets, except that a path naming no job
    // at all (a malformed id, 400 to the API) is a page not found too: 404.
    serveSite(app, siteDir, async (jobId) => {
      try {
        await connection.read((db) => getJobWithStages(db, jobId));
        return 200;
      } catch (error) {
        const { status } = toErrorResponse(error);
        if (status === 500) logError(error);
        return status === 400 ? 404 : status;
      }
    });
  }

  app.onError((error, c) => {
    const { status, body } = toErrorResponse(error);
    if (status === 500) logError(error);
    return c.json(body, status);
  });
  return app;
}
