import { createConnection, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP proxy on loopback in front of the test's PostgreSQL, to break the network on demand:
 * `cut()` destroys every connection and refuses new ones (accepted, then closed at once), as a
 * restart or a network drop does; `stall()` keeps connections open but forwards nothing, as a
 * server that hangs after connecting does; `heal()` forwards again (what a stall held is sent on).
 */
export class TcpProxy {
  private mode: "forward" | "cut" | "stall" = "forward";
  private readonly pairs = new Set<{ client: Socket; upstream: Socket; held: Buffer[][] }>();
  private server: Server | null = null;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** Starts listening on a free loopback port and returns it. */
  async listen(): Promise<number> {
    const server = createServer((client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no proxy port");
    return address.port;
  }

  private accept(client: Socket): void {
    if (this.mode === "cut") {
      client.destroy();
      return;
    }
    const upstream = createConnection(this.targetPort, this.targetHost);
    // [client → server, server → client], kept while stalled.
    const pair = { client, upstream, held: [[], []] as Buffer[][] };
    this.pairs.add(pair);
    const relay = (to: Socket, held: Buffer[]) => (data: Buffer) => {
      if (this.mode === "stall") held.push(data);
      else to.write(data);
    };
    client.on("data", relay(upstream, pair.held[0] ?? []));
    upstream.on("data", relay(client, pair.held[1] ?? []));
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  }

  cut(): void {
    this.mode = "cut";
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  stall(): void {
    this.mode = "stall";
  }

  heal(): void {
    this.mode = "forward";
    for (const { client, upstream, held } of this.pairs) {
      for (const data of held[0]?.splice(0) ?? []) upstream.write(data);
      for (const data of held[1]?.splice(0) ?? []) client.write(data);
    }
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** The URL with its host and port replaced: the same database, reached through the proxy. */
export function throughProxy(url: string, port: number): string {
  const proxied = new URL(url);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(port);
  return proxied.toString();
}
