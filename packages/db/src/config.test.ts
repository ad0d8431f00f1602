import { describe, expect, it } from "vitest";
import { loadConfig, maskUrl, resolveDatabaseTarget } from "./config.ts";
import { ConfigError } from "./errors.ts";

describe("configuration from the environment", () => {
  it("uses the embedded database when DATABASE_URL is unset or blank", () => {
    for (const env of [{}, { DATABASE_URL: "" }, { DATABASE_URL: "  " }]) {
      const target = resolveDatabaseTarget(env);
      expect(target.engine).toBe("pglite");
      expect(target.engine === "pglite" && target.dataDir.endsWith("/.data/audit-db")).toBe(true);
    }
  });

  it("takes AUDIT_DB_PATH as the embedded data directory", () => {
    expect(resolveDatabaseTarget({ AUDIT_DB_PATH: "/var/lib/audit" })).toEqual({
      engine: "pglite",
      dataDir: "/var/lib/audit",
    });
  });

  it("prefers an explicit URL over DATABASE_URL", () => {
    const target = resolveDatabaseTarget(
      { DATABASE_URL: "postgres://a@h1/x" },
      "postgresql://b@h2/y",
    );
    expect(target).toEqual({ engine: "postgres", url: "postgresql://b@h2/y" });
  });

  it("rejects a URL of another database or no URL at all, without echoing it", () => {
    expect(() => resolveDatabaseTarget({ DATABASE_URL: "mysql://u:hunter2@h/x" })).toThrow(
      "DATABASE_URL must start with postgres:// or postgresql:// (got mysql://)",
    );
    expect(() => resolveDatabaseTarget({ DATABASE_URL: "not a url hunter2" })).toThrow(ConfigError);
    try {
      resolveDatabaseTarget({ DATABASE_URL: "not a url hunter2" });
    } catch (error) {
      expect((error as Error).message).not.toContain("hunter2");
    }
  });

  it("reads AUDIT_DB=1 as on, unset or 0 as off, anything else as an error", () => {
    expect(loadConfig({}).auditEnabled).toBe(false);
    expect(loadConfig({ AUDIT_DB: "0" }).auditEnabled).toBe(false);
    expect(loadConfig({ AUDIT_DB: "1" }).auditEnabled).toBe(true);
    expect(() => loadConfig({ AUDIT_DB: "yes" })).toThrow(
      'AUDIT_DB must be 1 (on) or 0 (off), got "yes"',
    );
  });

  it("marks NODE_ENV=production", () => {
    expect(loadConfig({ NODE_ENV: "production" }).production).toBe(true);
    expect(loadConfig({ NODE_ENV: "development" }).production).toBe(false);
  });

  it("masks the password of a connection string", () => {
    expect(maskUrl("postgres://user:s3cret@db.example:5432/audit")).toBe(
      "postgres://user:***@db.example:5432/audit",
    );
    expect(maskUrl("postgres://user@db/audit?password=s3cret")).toBe(
      "postgres://user@db/audit?password=***",
    );
    expect(maskUrl("postgres://db/audit")).toBe("postgres://db/audit");
  });
});
