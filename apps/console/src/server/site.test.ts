import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isBuiltSite, serveSite } from "./site.ts";

const KNOWN_JOB = "33333333-3333-4333-8333-333333333333";

describe("serving the built page", () => {
  let siteDir: string;
  const app = new Hono();
  const indexHtml = "<!doctype html><title>console</title><div id=root></div>";

  beforeAll(() => {
    siteDir = mkdtempSync(join(tmpdir(), "console-site-"));
    mkdirSync(join(siteDir, "assets"));
    writeFileSync(join(siteDir, "index.html"), indexHtml);
    writeFileSync(join(siteDir, "assets", "main-abc123.js"), "console.log('page')");
    app.get("/api/status", (c) => c.json({ ok: true }));
    serveSite(app, siteDir, async (jobId) => (jobId === KNOWN_JOB ? 200 : 404));
  });

  afterAll(() => rmSync(siteDir, { recursive: true, force: true }));

  it("knows a built folder from an empty one", () => {
    expect(isBuiltSite(siteDir)).toBe(true);
    expect(isBuiltSite(join(siteDir, "assets"))).toBe(false);
  });

  it("serves hashed assets with a long cache lifetime", async () => {
    const response = await app.request("/assets/main-abc123.js");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("console.log('page')");
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
  });

  it.each(["/", "/jobs", `/jobs/${KNOWN_JOB}`, "/stages?name=parse"])(
    "answers the page route %s with index.html",
    async (path) => {
      const response = await app.request(path);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(indexHtml);
    },
  );

  it("answers an unknown job's page with index.html and the lookup's status", async () => {
    const response = await app.request("/jobs/44444444-4444-4444-8444-444444444444");
    expect(response.status).toBe(404);
    expect(await response.text()).toBe(indexHtml);
  });

  it("leaves API routes registered before it alone", async () => {
    const response = await app.request("/api/status");
    expect(await response.json()).toEqual({ ok: true });
  });
});
