import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Hono } from "hono";
import { compress } from "hono/compress";
import type { ApiErrorStatus } from "./error-response.ts";

/**
 * Serves the built page. Every path that is not a file is a page route of the single-page app
 * (`/jobs/<id>`, `/stages`), so it gets index.html and the page's router picks the view. A job's
 * page is answered with the status of the job's lookup (`jobPageStatus`), so an unknown job is a
 * 404 to a browser, a crawler or a link checker too, not a page that says so over a 200.
 */
export function serveSite(
  app: Hono,
  siteDir: string,
  jobPageStatus: (jobId: string) => Promise<ApiErrorStatus | 200>,
): void {
  const indexHtml = readFileSync(join(siteDir, "index.html"), "utf8");
  // Scripts and styles travel gzipped (a third of their size). Only these: they hold no secret
  // beside text a request chose, so compression cannot leak one (BREACH); the API stays plain.
  app.use("/assets/*", compress());
  // Hashed file names under assets/ never change content, so browsers may keep them for a year.
  app.use("/assets/*", async (c, next) => {
    await next();
    if (c.res.status === 200) c.header("Cache-Control", "public, max-age=31536000, immutable");
  });
  app.use("*", serveStatic({ root: siteDir }));
  app.get("/jobs/:jobId", async (c) =>
    c.html(indexHtml, await jobPageStatus(c.req.param("jobId"))),
  );
  app.get("*", (c) => c.html(indexHtml));
}

export function isBuiltSite(siteDir: string): boolean {
  return existsSync(join(siteDir, "index.html"));
}
