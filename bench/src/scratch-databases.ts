import { randomBytes } from "node:crypto";
import { ConnectionError, classifyDriverError, maskUrl, safeMessageOf } from "@forusbots/db";
import {
  createServerDatabase,
  dropServerDatabases,
  type PostgresTarget,
} from "@forusbots/db/server-databases";

/** A database the benchmark made for itself, dropped when the run ends. */
export interface ScratchDatabase {
  name: string;
  target: PostgresTarget;
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
    const target = await this.admin(() => createServerDatabase(this.serverUrl, name));
    this.created.push(name);
    // A stop (close) that ran while CREATE was in flight could not see this database yet.
    if (this.closed) await this.dropAll();
    return { name, target };
  }

  /** Drops every database this run created so far; the run may create more afterwards. */
  async dropAll(): Promise<void> {
    const names = this.created.splice(0);
    await this.admin(() => dropServerDatabases(this.serverUrl, names));
  }

  /** The end of the run, normal or not: drops everything and refuses to create more. */
  async close(): Promise<void> {
    this.closed = true;
    await this.dropAll();
  }

  private async admin<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      // Network failures, refused logins, a missing database: the server URL is wrong or down.
      if (classifyDriverError(error)?.kind === "connection") {
        throw new ConnectionError(
          `cannot use PostgreSQL at ${maskUrl(this.serverUrl)} for the bench databases: ${safeMessageOf(error)}`,
          { cause: error },
        );
      }
      throw error;
    }
  }
}
