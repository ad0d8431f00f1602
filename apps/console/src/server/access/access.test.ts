import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseHandle } from "@forusbots/db/client";
import { createTestDatabase, type TestDatabase } from "@forusbots/db/testing";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_READ_LIMITS } from "../../../test/api-access.ts";
import { insertKnownAuditData, JOB, UNKNOWN_JOB } from "../../../test/known-audit-data.ts";
import { createConsoleApp } from "../app.ts";
import { connectionOf } from "../database-connection.ts";
import type { ConsoleCredentials } from "./credentials.ts";
import { hostPolicy } from "./host-names.ts";

const PORT = 4173;
const TOKEN = "0123456789abcdef0123456789abcdef";
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("who the console answers", () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  let siteDir: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    handle = await database.open();
    await insertKnownAuditData(handle.db);
    siteDir = mkdtempSync(join(tmpdir(), "console-access-"));
    writeFileSync(join(siteDir, "index.html"), "<!doctype html><div id=root></div>");
  });

  afterAll(async () => {
    await handle?.close();
    await database?.dispose();
    if (siteDir !== undefined) rmSync(siteDir, { recursive: true, force: true });
  });

  function consoleApp(
    options: {
      listenHost?: string;
      allowedHosts?: string[];
      credentials?: ConsoleCredentials;
    } = {},
  ): Hono {
    return createConsoleApp({
      connection: connectionOf(handle, TEST_READ_LIMITS),
      access: {
        isOwnHost: hostPolicy({
          port: () => PORT,
          listenHost: options.listenHost ?? "127.0.0.1",
          allowedHosts: options.allowedHosts ?? [],
        }),
        ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
      },
      siteDir,
      logError: () => {},
    });
  }

  const request = (app: Hono, path: string, headers: Record<string, string>) =>
    app.request(`http://${headers.host ?? "localhost"}${path}`, { headers });

  describe("Host", () => {
    it.each([`localhost:${PORT}`, `127.0.0.1:${PORT}`, `[::1]:${PORT}`, `LOCALHOST:${PORT}`])(
      "answers a request addressed to %s",
      async (host) => {
        const response = await request(consoleApp(), "/api/bots", { host });
        expect(response.status).toBe(200);
        expect((await response.json()).bots).toHaveLength(3);
      },
    );

    it.each([
      "evil.example:4173",
      "evil.example",
      "localhost",
      "localhost:3000",
      "127.0.0.1",
      "localhost.evil.example:4173",
    ])("refuses Host %s with 421 and no data", async (host) => {
      for (const path of ["/api/status", "/api/bots", `/api/jobs/${JOB.J1}`, "/", "/stages"]) {
        const response = await request(consoleApp(), path, { host });
        expect(response.status, path).toBe(421);
        const body = await response.json();
        expect(body.error.kind).toBe("refused");
        expect(body.error.message).toContain("CONSOLE_ALLOWED_HOSTS");
        expect(JSON.stringify(body)).not.toContain("invoice-bot");
        expect(JSON.stringify(body)).not.toContain(handle.description);
      }
    });

    it("refuses a request without a Host header", async () => {
      const response = await consoleApp().request("/api/status");
      expect(response.status).toBe(421);
    });

    it("answers the names in CONSOLE_ALLOWED_HOSTS, and the address it listens on", async () => {
      const app = consoleApp({
        listenHost: "10.1.2.3",
        allowedHosts: ["audit.example.com", "proxy.example.com:8443"],
        credentials: { kind: "token", token: TOKEN },
      });
      const auth = { authorization: `Bearer ${TOKEN}` };
      for (const host of [
        "audit.example.com",
        `audit.example.com:${PORT}`,
        "proxy.example.com:8443",
        `10.1.2.3:${PORT}`,
        `localhost:${PORT}`,
      ]) {
        expect((await request(app, "/api/status", { host, ...auth })).status, host).toBe(200);
      }
      for (const host of ["audit.example.com:9999", "proxy.example.com", "10.1.2.3"]) {
        expect((await request(app, "/api/status", { host, ...auth })).status, host).toBe(421);
      }
    });
  });

  describe("security headers", () => {
    const expectSecurityHeaders = (response: Response, what: string) => {
      const csp = response.headers.get("content-security-policy") ?? "";
      expect(csp, what).toContain("script-src 'self'");
      expect(csp, what).toContain("frame-ancestors 'none'");
      expect(csp, what).toContain("default-src 'none'");
      expect(csp, what).not.toContain("unsafe-inline");
      expect(csp, what).not.toContain("unsafe-eval");
      expect(response.headers.get("x-content-type-options"), what).toBe("nosniff");
      expect(response.headers.get("x-frame-options"), what).toBe("DENY");
      expect(response.headers.get("referrer-policy"), what).toBe("no-referrer");
    };

    it("are on pages, API answers, errors and refusals", async () => {
      const host = `localhost:${PORT}`;
      const cases: [string, Record<string, string>, { method?: string }, number][] = [
        ["/", { host }, {}, 200],
        [`/jobs/${JOB.J1}`, { host }, {}, 200],
        ["/api/bots?from=2026-03-01&to=2026-03-08", { host }, {}, 200],
        ["/api/bots?from=yesterday-ish", { host }, {}, 400],
        [`/api/jobs/${UNKNOWN_JOB}`, { host }, {}, 404],
        ["/api/nothing-here", { host }, {}, 404],
        ["/api/bots", { host }, { method: "POST" }, 405],
        ["/api/bots", { host: "evil.example" }, {}, 421],
      ];
      for (const [path, headers, init, status] of cases) {
        const response = await consoleApp().request(`http://${headers.host}${path}`, {
          ...init,
          headers,
        });
        expect(response.status, path).toBe(status);
        expectSecurityHeaders(response, `${init.method ?? "GET"} ${path}`);
      }
      const refused = await request(
        consoleApp({ credentials: { kind: "token", token: TOKEN } }),
        "/api/bots",
        { host },
      );
      expect(refused.status).toBe(401);
      expectSecurityHeaders(refused, "401");
    });

    it("keep API answers out of caches", async () => {
      const response = await request(consoleApp(), "/api/status", { host: `localhost:${PORT}` });
      expect(response.headers.get("cache-control")).toBe("no-store");
    });
  });

  describe("credentials", () => {
    const host = `localhost:${PORT}`;

    it("takes the token as a bearer token or as the login prompt's password", async () => {
      const app = consoleApp({ credentials: { kind: "token", token: TOKEN } });
      for (const authorization of [
        `Bearer ${TOKEN}`,
        `bearer ${TOKEN}`,
        basic("operator", TOKEN),
        basic("", TOKEN),
      ]) {
        const response = await request(app, "/api/bots?from=2026-03-01&to=2026-03-08", {
          host,
          authorization,
        });
        expect(response.status, authorization).toBe(200);
        expect((await response.json()).bots).toHaveLength(3);
      }
    });

    it("refuses a missing or wrong token with 401, a challenge and no data", async () => {
      const app = consoleApp({ credentials: { kind: "token", token: TOKEN } });
      for (const authorization of [
        undefined,
        `Bearer ${TOKEN.slice(0, -1)}`,
        `Bearer ${TOKEN}x`,
        `Token ${TOKEN}`,
        basic(TOKEN, "wrong-password-x"),
        "Bearer",
      ]) {
        for (const path of ["/api/bots", "/", `/jobs/${JOB.J1}`]) {
          const response = await request(app, path, {
            host,
            ...(authorization === undefined ? {} : { authorization }),
          });
          expect(response.status, `${authorization} ${path}`).toBe(401);
          expect(response.headers.get("www-authenticate")).toContain("Basic realm=");
          const text = await response.text();
          expect(text).not.toContain("invoice-bot");
          expect(text).not.toContain(TOKEN);
        }
      }
    });

    it("takes the user name and password together, and refuses either one wrong", async () => {
      const credentials: ConsoleCredentials = {
        kind: "basic",
        user: "auditor",
        password: "correct horse battery staple",
      };
      const app = consoleApp({ credentials });
      const answer = async (authorization: string) =>
        (await request(app, "/api/status", { host, authorization })).status;
      expect(await answer(basic("auditor", "correct horse battery staple"))).toBe(200);
      expect(await answer(basic("auditor", "correct horse battery stapl"))).toBe(401);
      expect(await answer(basic("Auditor", "correct horse battery staple"))).toBe(401);
      expect(await answer(basic("auditor:correct horse battery staple", ""))).toBe(401);
      // A bearer token is not a way in when the console has a user and password.
      expect(await answer("Bearer correct horse battery staple")).toBe(401);
    });

    it("checks the Host before the credentials", async () => {
      const app = consoleApp({ credentials: { kind: "token", token: TOKEN } });
      const response = await request(app, "/api/bots", {
        host: "evil.example",
        authorization: `Bearer ${TOKEN}`,
      });
      expect(response.status).toBe(421);
    });
  });

  it("serves an unknown job's page with 404, a known one's with 200", async () => {
    const host = `localhost:${PORT}`;
    const unknown = await request(consoleApp(), `/jobs/${UNKNOWN_JOB}`, { host });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("<div id=root>");
    expect((await request(consoleApp(), `/jobs/${JOB.J1}`, { host })).status).toBe(200);
    // Not a job id at all: no such page either.
    expect((await request(consoleApp(), "/jobs/not-a-uuid", { host })).status).toBe(404);
  });
});
