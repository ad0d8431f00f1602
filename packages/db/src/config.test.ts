import { describe, expect, it } from "vitest";
import { loadConfig, maskUrl, resolveDatabaseTarget } from "./config.ts";
import { ConfigError, EXIT_CODES } from "./errors.ts";

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

  it("marks NODE_ENV=production whatever its case", () => {
    for (const value of ["production", "Production", "PRODUCTION", " production "]) {
      expect(loadConfig({ NODE_ENV: value }).production).toBe(true);
    }
    for (const value of [undefined, "", "development", "test", "production-like", "prod"]) {
      expect(loadConfig({ NODE_ENV: value }).production).toBe(false);
    }
  });

  it("refuses a URL whose query string would override its target, naming the parameter, exit 2", () => {
    const overriding = [
      ["postgres://u@h/audit_a_test?database=audit_prod", '"database"'],
      ["postgres://u@h/audit_a_test?dbname=audit_prod", '"dbname"'],
      ["postgres://u@h/x?user=postgres", '"user"'],
      ["postgres://u@h/x?User=postgres", '"User"'],
      ["postgres://u@h/x?password=hunter2", '"password"'],
      ["postgres://u@h/x?host=other.example", '"host"'],
      ["postgres://u@h/x?port=6543", '"port"'],
      ["postgres://u@h/x?options=-c%20search_path%3Devil", '"options"'],
      ["postgres://u@h/x?search_path=evil", '"search_path"'],
      ["postgres://u@h/x?role=postgres", '"role"'],
      ["postgres://u@h/x?sslmode=require&database=a&user=b", '"database", "user"'],
    ] as const;
    for (const [url, named] of overriding) {
      let thrown: unknown;
      try {
        resolveDatabaseTarget({}, url);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, url).toBeInstanceOf(ConfigError);
      const message = (thrown as ConfigError).message;
      expect(message).toContain(`--database-url sets ${named} in its query string`);
      expect(message).not.toContain("hunter2");
      expect(message).not.toContain("audit_prod");
      expect(EXIT_CODES[(thrown as ConfigError).kind]).toBe(2);
    }
    expect(() => resolveDatabaseTarget({ DATABASE_URL: "postgres://u@h/x?dbname=y" })).toThrow(
      'DATABASE_URL sets "dbname"',
    );
  });

  it("keeps query parameters that do not change the target", () => {
    const url = "postgres://u@h/x?sslmode=require&application_name=ops&connect_timeout=5";
    expect(resolveDatabaseTarget({}, url)).toEqual({ engine: "postgres", url });
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
