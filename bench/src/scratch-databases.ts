import { randomBytes } from "node:crypto";
import {
  ConnectionError,
  classifyDriverError,
  type DatabaseTarget,
  maskUrl,
  safeMessageOf,
} from "@forusbots/db";
import postgres from "postgres";

/** A database the benchmark made for itself, dropped when the run ends. */
export interface ScratchDatabase {
  name: string;
  target: Extract<DatabaseTarget, { engine: "postgres" }>;
}

/**
 * Creates and drops the benchmark's own databases (`forusbots_bench_<run>_<label>`) on the
 * server of `serverUrl`, so that a run never touches the data of the database the URL names.
 */
export class ScratchDatabases {
  /** What every database of this run is named with: `forusbots_bench_<run>_`. */
  readonly prefix = `forusbots_bench_${randomBytes(4).toString("hex")}_`;
  private readonly created: string[] = [];
  private closed = false;

  constructor(readonly serverUrl: string) {}

  async create(label: string): Promise<ScratchDatabase> {
    if (this.closed) throw new Error("the bench is stopping: no new database");
    const name = `${this.prefix}${label}`;
    await this.admin((sql) => sql.unsafe(`CREATE DATABASE "${name}"`));
    this.created.push(name);
    // A stop (close) that ran while CREATE was in flight could not see this database yet.
    if (this.closed) await this.dropAll();
    const url = new URL(this.serverUrl);
    url.pathname = `/${name}`;
    return { name, target: { engine: "postgres", url: url.toString() } };
  }

  /** Drops every database this run created so far; the run may create more afterwards. */
  async dropAll(): Promise<void> {
    await this.admin(async (sql) => {
      for (const name of this.created.splice(0)) {
        await sql.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }
    });
  }

  /** The end of the run, normal or not: drops everything and refuses to create more. */
  async close(): Promise<void> {
    this.closed = true;
    await this.dropAll();
  }

  private async admin<T>(work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
    const sql = postgres(this.serverUrl, { max: 1, onnotice: () => {} });
    try {
      return await work(sql);
    } catch (error) {
      // Network failures, refused logins, a missing database: the server URL is wrong or down.
      if (classifyDriverError(error)?.kind === "connection") {
        throw new ConnectionError(
          `cannot use PostgreSQL at ${maskUrl(this.serverUrl)} for the bench databases: ${safeMessageOf(error)}`,
          { cause: error },
        );
      }
      throw error;
    } finally {
      await sql.end();
    }
  }
}
