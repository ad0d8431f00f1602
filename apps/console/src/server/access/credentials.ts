import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Who may read the console when it is reachable beyond this machine. A token is sent as
 * `Authorization: Bearer <token>` by scripts, or typed as the password of the browser's login
 * prompt (any user name), since a browser cannot add a bearer header to the pages it loads.
 */
export type ConsoleCredentials =
  | { kind: "token"; token: string }
  | { kind: "basic"; user: string; password: string };

/** Shortest token or password taken: a guessable secret would guard the whole audit trail. */
export const MIN_SECRET_LENGTH = 16;

/**
 * Equal without the time taken saying how much of it matched: both sides are hashed first, so
 * the comparison runs over equal lengths whatever was sent.
 */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function basicPair(encoded: string): { user: string; password: string } | undefined {
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Whether an `Authorization` header carries the credentials. */
export function isAuthorized(header: string | undefined, credentials: ConsoleCredentials): boolean {
  const match = /^(\S+)\s+(\S+)\s*$/.exec(header ?? "");
  if (match?.[1] === undefined || match[2] === undefined) return false;
  const scheme = match[1].toLowerCase();
  const value = match[2];
  if (credentials.kind === "token") {
    if (scheme === "bearer") return sameSecret(value, credentials.token);
    const pair = scheme === "basic" ? basicPair(value) : undefined;
    return pair !== undefined && sameSecret(pair.password, credentials.token);
  }
  const pair = scheme === "basic" ? basicPair(value) : undefined;
  if (pair === undefined) return false;
  // Both compared whatever the first gives, so a wrong user answers as fast as a wrong password.
  const userMatches = sameSecret(pair.user, credentials.user);
  const passwordMatches = sameSecret(pair.password, credentials.password);
  return userMatches && passwordMatches;
}

/** What a refused request is told to send (RFC 7617, RFC 6750). */
export function challengeOf(credentials: ConsoleCredentials): string {
  const basic = 'Basic realm="ForusBots audit console", charset="UTF-8"';
  return credentials.kind === "token" ? `${basic}, Bearer realm="ForusBots audit console"` : basic;
}
