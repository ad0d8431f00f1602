import { accessSync, chownSync, constants, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { startProcess } from "./child-process.ts";

/**
 * Runs a program to its exit. Its output is not captured: `pg_ctl start` leaves the server
 * running with the inherited descriptors, and a pipe would never close.
 */
function run(program: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = startProcess(program, args, { stdio: "ignore" });
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${program} ${args[0] ?? ""} exited with ${code}`)),
    );
  });
}

/**
 * A throwaway PostgreSQL cluster of the test's own (initdb into a temporary folder, a free
 * loopback port), so a test may restart or kill a real server without touching the one the
 * other tests share. As root, the server runs as the `postgres` user (PostgreSQL refuses root).
 */
export class PrivateCluster {
  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    private readonly port: number,
  ) {}

  /** The superuser's URL of the cluster's `postgres` database. */
  get url(): string {
    return this.urlFor("postgres", "postgres");
  }

  /** A URL to `database` as `user` (trust authentication: no password). */
  urlFor(user: string, database: string): string {
    return `postgres://${user}@127.0.0.1:${this.port}/${database}`;
  }

  /** The folder holding initdb and pg_ctl, or null where PostgreSQL's server is not installed. */
  static findBinaries(): string | null {
    const candidates = [
      ...(process.env.PATH ?? "").split(delimiter),
      ...["17", "16", "15", "14", "13"].map((major) => `/usr/lib/postgresql/${major}/bin`),
    ];
    for (const dir of candidates) {
      try {
        accessSync(join(dir, "initdb"), constants.X_OK);
        accessSync(join(dir, "pg_ctl"), constants.X_OK);
        return dir;
      } catch {}
    }
    return null;
  }

  static async start(bin: string): Promise<PrivateCluster> {
    const dir = mkdtempSync(join(tmpdir(), "audit-private-cluster-"));
    const port = await freePort();
    const cluster = new PrivateCluster(bin, dir, port);
    if (process.getuid?.() === 0) chownSync(dir, ...postgresUser());
    await cluster.pg("initdb", [
      "-D",
      cluster.data,
      "-U",
      "postgres",
      "--auth=trust",
      "--no-sync",
      "-E",
      "UTF8",
    ]);
    await cluster.pg("pg_ctl", [
      "-D",
      cluster.data,
      "-l",
      join(dir, "server.log"),
      "-o",
      `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir}`,
      "-w",
      "start",
    ]);
    return cluster;
  }

  private get data(): string {
    return join(this.dir, "data");
  }

  private async pg(program: string, args: string[]): Promise<void> {
    const path = join(this.bin, program);
    if (process.getuid?.() === 0) await run("runuser", ["-u", "postgres", "--", path, ...args]);
    else await run(path, args);
  }

  /** A real restart: the server stops (fast: sessions are cut) and starts again. */
  async restart(): Promise<void> {
    await this.pg("pg_ctl", ["-D", this.data, "-m", "fast", "-w", "restart"]);
  }

  async destroy(): Promise<void> {
    await this.pg("pg_ctl", ["-D", this.data, "-m", "immediate", "-w", "stop"]).catch(() => {});
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The `postgres` user's uid and gid, from /etc/passwd. */
function postgresUser(): [number, number] {
  const entry = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((line) => line.startsWith("postgres:"));
  const [, , uid, gid] = entry?.split(":") ?? [];
  if (uid === undefined || gid === undefined)
    throw new Error("no postgres user to run the server as");
  return [Number(uid), Number(gid)];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}
