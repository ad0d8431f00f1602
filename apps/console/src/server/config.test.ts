import { ConfigError } from "@forusbots/db";
import { describe, expect, it } from "vitest";
import { DEFAULT_PORT, loadConsoleConfig, parsePort } from "./config.ts";

describe("console PORT", () => {
  it("defaults to 3000 when unset or blank", () => {
    expect(DEFAULT_PORT).toBe(3000);
    expect(parsePort(undefined)).toBe(3000);
    expect(parsePort("  ")).toBe(3000);
  });

  it("takes a whole number up to 65535, and 0 for any free port", () => {
    expect(parsePort("8080")).toBe(8080);
    expect(parsePort(" 3001 ")).toBe(3001);
    expect(parsePort("65535")).toBe(65535);
    expect(parsePort("0")).toBe(0);
  });

  it.each(["abc", "-1", "80.5", "65536", "3000x"])(
    "refuses %s with a one-line config error",
    (value) => {
      expect(() => parsePort(value)).toThrow(ConfigError);
      expect(() => parsePort(value)).toThrow(
        `PORT must be a whole number from 0 to 65535 (got "${value}")`,
      );
    },
  );
});

describe("loadConsoleConfig", () => {
  it("reads PORT and the shared database settings from the environment it is given", () => {
    const config = loadConsoleConfig({
      PORT: "4100",
      DATABASE_URL: "postgres://postgres@127.0.0.1:5432/audit",
    });
    expect(config.port).toBe(4100);
    expect(config.audit.database).toEqual({
      engine: "postgres",
      url: "postgres://postgres@127.0.0.1:5432/audit",
    });
  });

  it("falls back to the embedded database without DATABASE_URL", () => {
    const config = loadConsoleConfig({ AUDIT_DB_PATH: "/tmp/console-config-test/db" });
    expect(config.port).toBe(3000);
    expect(config.audit.database).toEqual({
      engine: "pglite",
      dataDir: "/tmp/console-config-test/db",
    });
  });
});

describe("the console's access settings", () => {
  const TOKEN = "0123456789abcdef0123";

  it("listens on 127.0.0.1 with no credentials and a five-second statement limit by default", () => {
    const config = loadConsoleConfig({});
    expect(config.host).toBe("127.0.0.1");
    expect(config.credentials).toBe(undefined);
    expect(config.allowedHosts).toEqual([]);
    expect(config.statementTimeoutMs).toBe(5000);
  });

  it.each(["0.0.0.0", "::", "10.0.0.5", "console.internal", "128.0.0.1"])(
    "refuses HOST=%s without credentials, saying why and what to set",
    (host) => {
      expect(() => loadConsoleConfig({ HOST: host })).toThrow(ConfigError);
      expect(() => loadConsoleConfig({ HOST: host })).toThrow(
        `HOST=${host} would let other machines reach the console, which shows the whole audit trail: set CONSOLE_TOKEN (or CONSOLE_USER and CONSOLE_PASSWORD)`,
      );
    },
  );

  it.each(["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"])(
    "takes the loopback HOST=%s without credentials",
    (host) => {
      expect(loadConsoleConfig({ HOST: host }).host).toBe(host);
    },
  );

  it("takes HOST beyond loopback with a token, or with a user and password", () => {
    expect(loadConsoleConfig({ HOST: "0.0.0.0", CONSOLE_TOKEN: TOKEN }).credentials).toEqual({
      kind: "token",
      token: TOKEN,
    });
    expect(
      loadConsoleConfig({
        HOST: "0.0.0.0",
        CONSOLE_USER: "auditor",
        CONSOLE_PASSWORD: "a long enough password",
      }).credentials,
    ).toEqual({ kind: "basic", user: "auditor", password: "a long enough password" });
  });

  it("refuses a short secret, half a user/password pair, or both kinds at once", () => {
    expect(() => loadConsoleConfig({ CONSOLE_TOKEN: "short" })).toThrow(
      "CONSOLE_TOKEN must be at least 16 characters long (generate one with `openssl rand -hex 32`)",
    );
    expect(() => loadConsoleConfig({ CONSOLE_USER: "auditor" })).toThrow(
      "CONSOLE_USER and CONSOLE_PASSWORD go together: set both, or neither",
    );
    expect(() => loadConsoleConfig({ CONSOLE_PASSWORD: "a long enough password" })).toThrow(
      "CONSOLE_USER and CONSOLE_PASSWORD go together",
    );
    expect(() =>
      loadConsoleConfig({
        CONSOLE_TOKEN: TOKEN,
        CONSOLE_USER: "auditor",
        CONSOLE_PASSWORD: "a long enough password",
      }),
    ).toThrow("set either CONSOLE_TOKEN or CONSOLE_USER with CONSOLE_PASSWORD, not both");
  });

  it("never puts a secret in its messages", () => {
    const secret = "tiny-secret";
    for (const env of [
      { CONSOLE_TOKEN: secret },
      { CONSOLE_PASSWORD: secret, CONSOLE_USER: "a" },
    ]) {
      expect(() => loadConsoleConfig(env)).toThrow(ConfigError);
      try {
        loadConsoleConfig(env);
      } catch (error) {
        expect((error as Error).message).not.toContain(secret);
      }
    }
  });

  it("reads CONSOLE_ALLOWED_HOSTS as names separated by commas", () => {
    expect(
      loadConsoleConfig({ CONSOLE_ALLOWED_HOSTS: " Audit.Example.com, proxy.example.com:8443,," })
        .allowedHosts,
    ).toEqual(["audit.example.com", "proxy.example.com:8443"]);
    expect(() => loadConsoleConfig({ CONSOLE_ALLOWED_HOSTS: "*.example.com" })).toThrow(
      "CONSOLE_ALLOWED_HOSTS takes host names",
    );
    expect(() => loadConsoleConfig({ CONSOLE_ALLOWED_HOSTS: "http://x.example" })).toThrow(
      'no wildcards (got "http://x.example")',
    );
  });

  it("reads CONSOLE_STATEMENT_TIMEOUT_MS as whole milliseconds, never 0 (no limit)", () => {
    expect(loadConsoleConfig({ CONSOLE_STATEMENT_TIMEOUT_MS: "250" }).statementTimeoutMs).toBe(250);
    for (const value of ["0", "-5", "1.5", "5s", "2147483648"]) {
      expect(() => loadConsoleConfig({ CONSOLE_STATEMENT_TIMEOUT_MS: value }), value).toThrow(
        `CONSOLE_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds from 1 to 2147483647 (got "${value}")`,
      );
    }
  });
});
