import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "./errors.ts";

/** The embedded database's `dataDir` for an in-memory PGlite: nothing on disk, gone at close. */
export const IN_MEMORY = "memory://";

/** Where the audit database lives: a PostgreSQL server, or an embedded PGlite data directory. */
export type DatabaseTarget =
  | { engine: "postgres"; url: string }
  | { engine: "pglite"; dataDir: string };

export interface AuditConfig {
  database: DatabaseTarget;
  /** `AUDIT_DB=1`: the recorder writes; otherwise auditing is off (the seed's default). */
  auditEnabled: boolean;
  /**
   * `NODE_ENV=production` in any case (`Production`, `PRODUCTION`): reset refuses whatever the
   * target, and rollback refuses to drop a table holding rows. Read here only, by {@link isProduction}.
   */
  production: boolean;
  /** How the recorder bounds its calls and where it spools what the database did not take. */
  recorder: RecorderSettings;
  /**
   * `AUDIT_RETENTION_DAYS`: how long jobs are kept, what `prune --retention` removes beyond;
   * null when unset (nothing is ever pruned by policy).
   */
  retentionDays: number | null;
}

/** The durable recorder's settings (`AUDIT_SPOOL_DIR`, `AUDIT_*_TIMEOUT_MS`, `AUDIT_SPOOL_MAX_BYTES`). */
export interface RecorderSettings {
  /** The local spool: append-only JSON Lines files, one per recorder. */
  spoolDir: string;
  /** The most a recorder call waits for the database before spooling the event instead. */
  writeTimeoutMs: number;
  /** The most `close()` waits for the spool to reach the database before leaving it on disk. */
  closeTimeoutMs: number;
  /** What one recorder may hold in its spool; past it a call throws `SpoolFullError`. */
  spoolMaxBytes: number;
}

export const DEFAULT_RECORDER_SETTINGS = {
  writeTimeoutMs: 2_000,
  closeTimeoutMs: 10_000,
  // A few hundred bytes an event: about a million events, hours of a busy bot's outage.
  spoolMaxBytes: 256 * 1024 * 1024,
} as const;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The variables that choose which database a process uses and whether its recorder writes (read
 * below, nowhere else). A parent that spawns a command for a database of its own choosing removes
 * these from the environment it hands down, so that its own choice cannot leak into the child's.
 */
export const DATABASE_CHOICE_VARIABLES = ["DATABASE_URL", "AUDIT_DB_PATH", "AUDIT_DB"] as const;

/**
 * The workspace root (the folder with pnpm-workspace.yaml), so that every package and app finds
 * the same embedded database whichever folder a script runs in.
 */
function workspaceRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "pnpm-workspace.yaml"))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/** Default embedded data directory: `<repo>/.data/audit-db`. */
export const defaultEmbeddedPath = (): string => join(workspaceRoot(), ".data", "audit-db");

/** Default spool directory of the recorder: `<repo>/.data/audit-spool`. */
export const defaultSpoolPath = (): string => join(workspaceRoot(), ".data", "audit-spool");

/** A whole number of at least `min`, or the default when unset; says which variable is wrong. */
function positiveInteger(env: Env, name: string, fallback: number, min = 1): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min) {
    throw new ConfigError(`${name} must be a whole number of at least ${min}, got "${raw}"`);
  }
  return value;
}

/** The recorder's settings from the environment, each with its default. */
export function resolveRecorderSettings(env: Env): RecorderSettings {
  const dir = env.AUDIT_SPOOL_DIR?.trim();
  return {
    spoolDir: dir ? resolve(dir) : defaultSpoolPath(),
    writeTimeoutMs: positiveInteger(
      env,
      "AUDIT_WRITE_TIMEOUT_MS",
      DEFAULT_RECORDER_SETTINGS.writeTimeoutMs,
      10,
    ),
    closeTimeoutMs: positiveInteger(
      env,
      "AUDIT_CLOSE_TIMEOUT_MS",
      DEFAULT_RECORDER_SETTINGS.closeTimeoutMs,
      0,
    ),
    spoolMaxBytes: positiveInteger(
      env,
      "AUDIT_SPOOL_MAX_BYTES",
      DEFAULT_RECORDER_SETTINGS.spoolMaxBytes,
      1024,
    ),
  };
}

/**
 * Whether `NODE_ENV` names production. Case-insensitive and trimmed: `NODE_ENV=Production` is a
 * production deploy too, and a check that a capital letter defeats protects nothing.
 */
export const isProduction = (nodeEnv: string | undefined): boolean =>
  nodeEnv?.trim().toLowerCase() === "production";

/**
 * Query-string parameters that would make the driver connect somewhere other than the URL's
 * path and authority say, or as someone else: postgres.js sends every unknown parameter in the
 * startup packet, where `database=` and `user=` override the path and user, and `options=-c …`,
 * `search_path=` or `role=` change which tables a session reads or who it acts as. A command
 * names its target from the URL and checks it (reset's *_test rule), so the URL must be the
 * whole truth: these are refused rather than silently obeyed. Keys are compared lower-cased.
 */
const OVERRIDING_PARAMETERS = [
  "database",
  "dbname",
  "db",
  "user",
  "username",
  "password",
  "pass",
  "host",
  "hostaddr",
  "hostname",
  "port",
  "path",
  "service",
  "passfile",
  "options",
  "role",
  "session_authorization",
  "search_path",
  "replication",
];

/** Parses and checks a PostgreSQL URL, naming what is wrong without echoing the password. */
export function parseDatabaseUrl(url: string, source = "DATABASE_URL"): DatabaseTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(
      `${source} is not a valid URL (expected postgres://user:pass@host:port/db)`,
    );
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new ConfigError(
      `${source} must start with postgres:// or postgresql:// (got ${parsed.protocol}//)`,
    );
  }
  const overriding = [...new Set([...parsed.searchParams.keys()])].filter((key) =>
    OVERRIDING_PARAMETERS.includes(key.toLowerCase()),
  );
  if (overriding.length > 0) {
    throw new ConfigError(
      `${source} sets ${overriding.map((key) => `"${key}"`).join(", ")} in its query string, which would override the host, port, user, password or database the URL names (or the session's role or search_path); write them in the URL itself (postgres://user:pass@host:port/database) and remove ${overriding.length === 1 ? "that parameter" : "those parameters"}`,
    );
  }
  if (!parsed.hostname) {
    throw new ConfigError(`${source} names no host`);
  }
  return { engine: "postgres", url };
}

/** Resolves the database target from an explicit URL, then `DATABASE_URL`, then the embedded path. */
export function resolveDatabaseTarget(env: Env, explicitUrl?: string): DatabaseTarget {
  const url = explicitUrl ?? env.DATABASE_URL;
  if (url !== undefined && url.trim() !== "") {
    return parseDatabaseUrl(
      url.trim(),
      explicitUrl === undefined ? "DATABASE_URL" : "--database-url",
    );
  }
  const path = env.AUDIT_DB_PATH?.trim();
  if (!path) return { engine: "pglite", dataDir: defaultEmbeddedPath() };
  // `memory://` is PGlite's in-memory database, not a folder to create beside the current one.
  return { engine: "pglite", dataDir: path === IN_MEMORY ? IN_MEMORY : resolve(path) };
}

/** Reads the environment once; everything below receives the result. */
export function loadConfig(env: Env = process.env, explicitUrl?: string): AuditConfig {
  const auditDb = env.AUDIT_DB?.trim();
  if (auditDb !== undefined && auditDb !== "" && auditDb !== "0" && auditDb !== "1") {
    throw new ConfigError(`AUDIT_DB must be 1 (on) or 0 (off), got "${auditDb}"`);
  }
  return {
    database: resolveDatabaseTarget(env, explicitUrl),
    auditEnabled: auditDb === "1",
    production: isProduction(env.NODE_ENV),
    recorder: resolveRecorderSettings(env),
    retentionDays: env.AUDIT_RETENTION_DAYS?.trim()
      ? positiveInteger(env, "AUDIT_RETENTION_DAYS", 0)
      : null,
  };
}

/** A connection string with its password replaced, safe to print. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    for (const key of ["password", "sslpassword"]) {
      if (parsed.searchParams.has(key)) parsed.searchParams.set(key, "***");
    }
    return parsed.toString();
  } catch {
    return "<unparseable database URL>";
  }
}

/** How a target is named in messages: the masked URL or the embedded path. */
export function describeTarget(target: DatabaseTarget): string {
  return target.engine === "postgres"
    ? `PostgreSQL ${maskUrl(target.url)}`
    : `embedded PGlite ${target.dataDir}`;
}
