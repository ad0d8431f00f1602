import { type AuditConfig, ConfigError, loadConfig } from "@forusbots/db";
import { type ConsoleCredentials, MIN_SECRET_LENGTH } from "./access/credentials.ts";
import { isLoopbackHost } from "./access/host-names.ts";

/**
 * The console's own settings (the database settings are the shared ones of `@forusbots/db`):
 * read here, once, validated, and passed down like the rest.
 */
export interface ConsoleConfig {
  /** TCP port to listen on; 0 asks the system for a free one (the tests use that). */
  port: number;
  /** Address to listen on: loopback unless HOST says otherwise (and then with credentials). */
  host: string;
  /** Host names, besides the loopback ones, that requests may be addressed to. */
  allowedHosts: string[];
  /** Who may read it; required when `host` is not loopback. */
  credentials: ConsoleCredentials | undefined;
  /** The limit of each query the console runs, in milliseconds. */
  statementTimeoutMs: number;
  audit: AuditConfig;
}

export const DEFAULT_PORT = 3000;
export const DEFAULT_HOST = "127.0.0.1";
/**
 * A console read answers in milliseconds on a million jobs (BENCHMARKS.md); one still running
 * after five seconds is reading far too much, and holds a connection and a core meanwhile.
 */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 5000;
/** PostgreSQL's largest statement_timeout. */
const MAX_STATEMENT_TIMEOUT_MS = 2_147_483_647;

type Env = Readonly<Record<string, string | undefined>>;

const setting = (env: Env, name: string): string | undefined => {
  const text = env[name]?.trim();
  return text === undefined || text === "" ? undefined : text;
};

export function parsePort(value: string | undefined): number {
  const text = value?.trim();
  if (text === undefined || text === "") return DEFAULT_PORT;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535 (got "${text}")`);
  }
  return port;
}

export function parseStatementTimeout(value: string | undefined): number {
  const text = value?.trim();
  if (text === undefined || text === "") return DEFAULT_STATEMENT_TIMEOUT_MS;
  const milliseconds = Number(text);
  // 0 would mean "no limit" to PostgreSQL: not a setting a console exposed to requests may take.
  if (!/^\d+$/.test(text) || milliseconds < 1 || milliseconds > MAX_STATEMENT_TIMEOUT_MS) {
    throw new ConfigError(
      `CONSOLE_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds from 1 to ${MAX_STATEMENT_TIMEOUT_MS} (got "${text}")`,
    );
  }
  return milliseconds;
}

/** `CONSOLE_ALLOWED_HOSTS`: names separated by commas, each `name` or `name:port`. */
export function parseAllowedHosts(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => {
      if (entry === "") return false;
      if (/[\s/@]/.test(entry) || entry.includes("*")) {
        throw new ConfigError(
          `CONSOLE_ALLOWED_HOSTS takes host names (console.example.com, console.example.com:8443) separated by commas, no wildcards (got "${entry}")`,
        );
      }
      return true;
    });
}

function readSecret(env: Env, name: string): string | undefined {
  const secret = setting(env, name);
  if (secret !== undefined && secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      `${name} must be at least ${MIN_SECRET_LENGTH} characters long (generate one with \`openssl rand -hex 32\`)`,
    );
  }
  return secret;
}

/** `CONSOLE_TOKEN`, or `CONSOLE_USER` with `CONSOLE_PASSWORD`; never printed. */
export function parseCredentials(env: Env): ConsoleCredentials | undefined {
  const token = readSecret(env, "CONSOLE_TOKEN");
  const user = setting(env, "CONSOLE_USER");
  const password = readSecret(env, "CONSOLE_PASSWORD");
  if (token !== undefined && (user !== undefined || password !== undefined)) {
    throw new ConfigError(
      "set either CONSOLE_TOKEN or CONSOLE_USER with CONSOLE_PASSWORD, not both",
    );
  }
  if (token !== undefined) return { kind: "token", token };
  if (user === undefined && password === undefined) return undefined;
  if (user === undefined || password === undefined) {
    throw new ConfigError("CONSOLE_USER and CONSOLE_PASSWORD go together: set both, or neither");
  }
  if (user.includes(":")) throw new ConfigError("CONSOLE_USER must not contain a colon");
  return { kind: "basic", user, password };
}

export function loadConsoleConfig(env: Env = process.env): ConsoleConfig {
  const host = setting(env, "HOST") ?? DEFAULT_HOST;
  const credentials = parseCredentials(env);
  if (!isLoopbackHost(host) && credentials === undefined) {
    throw new ConfigError(
      `HOST=${host} would let other machines reach the console, which shows the whole audit trail: set CONSOLE_TOKEN (or CONSOLE_USER and CONSOLE_PASSWORD) so only its operator can read it, or leave HOST unset to listen on 127.0.0.1`,
    );
  }
  return {
    port: parsePort(env.PORT),
    host,
    allowedHosts: parseAllowedHosts(env.CONSOLE_ALLOWED_HOSTS),
    credentials,
    statementTimeoutMs: parseStatementTimeout(env.CONSOLE_STATEMENT_TIMEOUT_MS),
    audit: loadConfig(env),
  };
}
