import { maskUrl } from "../config.ts";
import { ConnectionError } from "../errors.ts";
import { readDriverError, safeMessageOf } from "./driver-error.ts";

/**
 * Says why opening a PostgreSQL connection failed, in words a user can act on and without the
 * password: the address, the user and the database come from the URL, which the driver's own
 * message does not name.
 */
export function explainConnectionFailure(url: string, error: unknown): ConnectionError {
  const parsed = new URL(url);
  const where = `${parsed.hostname || "localhost"}:${parsed.port || "5432"}`;
  const user = decodeURIComponent(parsed.username || "postgres");
  const database = decodeURIComponent(parsed.pathname.slice(1) || user);
  const reasons: Record<string, string> = {
    ECONNREFUSED: `cannot connect to PostgreSQL at ${where}: connection refused (is the server running?)`,
    ENOTFOUND: `cannot connect to PostgreSQL: host "${parsed.hostname}" not found`,
    EAI_AGAIN: `cannot connect to PostgreSQL: host "${parsed.hostname}" could not be resolved`,
    ETIMEDOUT: `cannot connect to PostgreSQL at ${where}: timed out`,
    CONNECT_TIMEOUT: `cannot connect to PostgreSQL at ${where}: timed out`,
    "28P01": `PostgreSQL at ${where} rejected the password for user "${user}"`,
    "28000": `PostgreSQL at ${where} refused user "${user}" (not allowed by pg_hba.conf or no such role)`,
    "3D000": `database "${database}" does not exist on PostgreSQL at ${where}`,
  };
  const code = readDriverError(error)?.code;
  const reason =
    (code === undefined ? undefined : reasons[code]) ??
    `cannot connect to PostgreSQL at ${where}: ${safeMessageOf(error).replaceAll(url, maskUrl(url))}`;
  return new ConnectionError(reason, { cause: error });
}
