import { type AuditConfig, ConfigError, loadConfig } from "@forusbots/db";

/**
 * The console's own settings. `PORT` belongs to the console alone (the database settings are the
 * shared ones of `@forusbots/db`), so it is read here, once, and passed down like the rest.
 */
export interface ConsoleConfig {
  /** TCP port to listen on; 0 asks the system for a free one (the tests use that). */
  port: number;
  audit: AuditConfig;
}

export const DEFAULT_PORT = 3000;

type Env = Readonly<Record<string, string | undefined>>;

export function parsePort(value: string | undefined): number {
  const text = value?.trim();
  if (text === undefined || text === "") return DEFAULT_PORT;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535 (got "${text}")`);
  }
  return port;
}

export function loadConsoleConfig(env: Env = process.env): ConsoleConfig {
  return { port: parsePort(env.PORT), audit: loadConfig(env) };
}
