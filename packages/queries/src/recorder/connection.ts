import {
  type DatabaseHandle,
  type DatabaseTarget,
  type OpenOptions,
  openDatabase,
} from "@forusbots/db";
import { withinMs } from "./time-bound.ts";

/**
 * The recorder's database, opened on demand and given up on when it stops answering. A
 * PostgreSQL pool whose statement timed out is ended at once (its sockets destroyed, its queries
 * rejected): a server that stopped answering mid-connection would otherwise hold the pool's
 * connections forever, and the next attempt opens a fresh pool. PGlite runs in this process and
 * cannot hang on a network: its handle is kept.
 */
export class RecorderConnection {
  private handle: DatabaseHandle | null = null;
  private opening: Promise<DatabaseHandle> | null = null;

  constructor(
    private readonly target: DatabaseTarget,
    private readonly options: OpenOptions,
    private readonly openTimeoutMs: number,
  ) {}

  /** The open handle, if any: the live path never waits for a connection to be made. */
  get current(): DatabaseHandle | null {
    return this.handle;
  }

  /** The handle, opening it if needed (a PostgreSQL pool within the open timeout). */
  async get(): Promise<DatabaseHandle> {
    if (this.handle) return this.handle;
    this.opening ??= this.open().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  private async open(): Promise<DatabaseHandle> {
    const opening = openDatabase(this.target, this.options);
    if (this.target.engine === "pglite") {
      // No network to wait on: its start-up is WebAssembly work on this thread, which a timer
      // cannot cut short, and an open given up on would start it all over again.
      this.handle = await opening;
      return this.handle;
    }
    try {
      this.handle = await withinMs(opening, this.openTimeoutMs);
      return this.handle;
    } catch (error) {
      // An open that answers after its time is closed rather than leaked.
      opening.then((late) => late.close()).catch(() => {});
      throw error;
    }
  }

  /** Gives up on a PostgreSQL pool that did not answer in time; the next `get` opens another. */
  discard(): void {
    const handle = this.handle;
    if (handle?.driver.engine !== "postgres") return;
    this.handle = null;
    handle.driver.sql.end({ timeout: 0 }).catch(() => {});
  }

  async close(): Promise<void> {
    const handle = this.handle ?? (await this.opening?.catch(() => null)) ?? null;
    this.handle = null;
    await handle?.close();
  }
}
