import { randomBytes } from "node:crypto";
import { ConnectionError, type DatabaseTarget, maskUrl } from "@forusbots/db";
import postgres from "postgres";

/** Network failures, refused logins, a missing database: the server URL is wrong or down. */
const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT", "28P01", "28000", "3D000"]);

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

  constructor(readonly serverUrl: string) {}

  async create(label: string): Promise<ScratchDatabase> {
    const name = `${this.prefix}${label}`;
    await this.admin((sql) => sql.unsafe(`CREATE DATABASE "${name}"`));
    this.created.push(name);
    const url = new URL(this.serverUrl);
    url.pathname = `/${name}`;
    return { name, target: { engine: "postgres", url: url.toString() } };
  }

  /** Drops every database this run created, even those of a run that failed half-way. */
  async dropAll(): Promise<void> {
    await this.admin(async (sql) => {
      for (const name of this.created.splice(0)) {
        await sql.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }
    });
  }

  private async admin<T>(work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
    const sql = postgres(this.serverUrl, { max: 1, onnotice: () => {} });
    try {
      return await work(sql);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === "string" && UNREACHABLE.has(code)) {
        throw new ConnectionError(
          `cannot use PostgreSQL at ${maskUrl(this.serverUrl)} for the bench databases: ${(error as Error).message}`,
        );
      }
      throw error;
    } finally {
      await sql.end();
    }
  }
}
