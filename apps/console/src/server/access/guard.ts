import type { MiddlewareHandler } from "hono";
import { type ConsoleCredentials, challengeOf, isAuthorized } from "./credentials.ts";
import { SECURITY_HEADERS } from "./security-headers.ts";

/** What the console lets in: which `Host` names, and whose credentials when it asks for them. */
export interface AccessPolicy {
  isOwnHost: (hostHeader: string | undefined) => boolean;
  credentials?: ConsoleCredentials;
}

/** The security headers, set on whatever answered: a page, the API, an error or a refusal. */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
};

/**
 * Refuses a request addressed to another name (421 Misdirected Request: DNS rebinding, a
 * mistyped proxy), then one without the credentials when the console has some (401 with the
 * challenge a browser turns into its login prompt). The answers name no data and no secret.
 */
export function accessGuard(policy: AccessPolicy): MiddlewareHandler {
  return async (c, next) => {
    if (!policy.isOwnHost(c.req.header("host"))) {
      return c.json(
        {
          error: {
            kind: "refused",
            message:
              "this console answers only to its own host names (localhost and 127.0.0.1 on its port, and those in CONSOLE_ALLOWED_HOSTS): the request's Host is not one of them",
          },
        },
        421,
      );
    }
    const { credentials } = policy;
    if (credentials !== undefined && !isAuthorized(c.req.header("authorization"), credentials)) {
      c.header("WWW-Authenticate", challengeOf(credentials));
      return c.json(
        {
          error: {
            kind: "refused",
            message:
              credentials.kind === "token"
                ? "the console needs its token: Authorization: Bearer <CONSOLE_TOKEN>, or the token as the password of the login prompt"
                : "the console needs its user name and password (CONSOLE_USER, CONSOLE_PASSWORD)",
          },
        },
        401,
      );
    }
    await next();
  };
}
