import { isIP } from "node:net";

/** The names of this machine's loopback interface, as a `Host` header spells them. */
const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

/** An address (or name) that only this machine can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (name === "localhost" || name === "::1") return true;
  return isIP(name) === 4 && name.startsWith("127.");
}

/** Addresses that mean "every interface": not a name a request is ever addressed to. */
const isWildcard = (host: string): boolean =>
  host === "0.0.0.0" || host === "::" || host === "[::]";

/** `name:port` or `[v6]:port`, as opposed to a bare name or `[v6]`. */
const HAS_PORT = /^(\[[^\]]+\]|[^:[\]]+):\d+$/;

/** `::1` as a `Host` header writes it, `[::1]`; names and IPv4 addresses unchanged. */
const asHostHeaderName = (host: string): string =>
  isIP(host) === 6 ? `[${host.toLowerCase()}]` : host.toLowerCase();

/**
 * Whether a request's `Host` header names this console. A page on another site that resolves its
 * own name to 127.0.0.1 (DNS rebinding) makes the browser send that name: refusing every name but
 * the console's own keeps such a page from reading the audit trail through the operator's browser.
 *
 * Allowed: the loopback names on the console's port, the address it listens on when that is a
 * single one, and each `allowedHosts` entry — `name:port` exactly, a bare `name` without a port
 * (a reverse proxy on its default port) or on the console's.
 */
export function hostPolicy(options: {
  /** The port the console listens on (known once it listens, for PORT=0). */
  port: () => number;
  listenHost: string;
  allowedHosts: readonly string[];
}): (hostHeader: string | undefined) => boolean {
  const { port, listenHost, allowedHosts } = options;
  const names = new Set(LOOPBACK_NAMES);
  if (!isWildcard(listenHost)) names.add(asHostHeaderName(listenHost));
  return (hostHeader) => {
    if (hostHeader === undefined) return false;
    const host = hostHeader.trim().toLowerCase();
    const onOwnPort = [...names].some((name) => host === `${name}:${port()}`);
    if (onOwnPort) return true;
    return allowedHosts.some((entry) =>
      HAS_PORT.test(entry) ? host === entry : host === entry || host === `${entry}:${port()}`,
    );
  };
}
