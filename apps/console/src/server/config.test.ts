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
