import { createServer } from "node:net";
import { inject } from "vitest";

/**
 * The PostgreSQL server the harness runs the suites on (its admin URL), or undefined when it runs
 * them on PGlite. The only server a test may talk to: never a fixed host or port, which would
 * not be there on the testcontainers engine, nor on a machine whose server listens elsewhere.
 */
export function harnessServerUrl(): string | undefined {
  const provided = inject("auditTestDatabase");
  return provided.engine === "postgres" ? provided.adminUrl : undefined;
}

/**
 * A loopback port where nothing listens, for tests of an unreachable server: bound by the system
 * and released here, so a connection to it is refused at once (port 1 or another fixed number
 * may well be in use on the machine that runs the tests).
 */
export async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no TCP port was bound");
  return address.port;
}
