import { isAbsolute, resolve } from "node:path";
import type { Writable } from "node:stream";
import type { AuditConfig, DatabaseHandle } from "@forusbots/db";
import { loadConfig, type ReaderState, SchemaMissingError } from "@forusbots/db";
import { createProgress, type Progress } from "./output/progress.ts";
import { colorsWanted, createStyle, type Style } from "./output/style.ts";

export type OutputStream = Writable & { isTTY?: boolean; columns?: number };

/** What the process gives the CLI: its streams and environment, read once in main.ts. */
export interface Terminal {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: OutputStream;
  stderr: OutputStream;
  /** Whether the reader of stdout has gone (`forus-audit recent --json | head -c 10`). */
  stdoutReader: ReaderState;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export interface GlobalOptions {
  databaseUrl?: string;
  verbose?: boolean;
}

export interface DatabaseOptions {
  /** Fail with "run migrate first" when the audit tables are missing (default true). */
  requireSchema?: boolean;
  maxConnections?: number;
  /**
   * The command may create the embedded database (reset does; migrate has its own front-end).
   * Every other command needs one that exists: a mistyped AUDIT_DB_PATH is an error, not a new
   * empty database.
   */
  createsDatabase?: boolean;
}

/**
 * Everything a command needs from the outside: where to write, in which style, and the database
 * named by --database-url, DATABASE_URL or the embedded default. Commands receive it instead of
 * reaching for process globals, so the tests drive the real binary and nothing else.
 */
export class CliContext {
  readonly out: Style;
  readonly err: Style;
  /** When the command started: the `now` of relative times (`--from 24h`) and of defaults. */
  readonly startedAt = new Date();

  constructor(
    readonly terminal: Terminal,
    private readonly globals: () => GlobalOptions,
  ) {
    this.out = createStyle(colorsWanted(terminal.stdout.isTTY, terminal.env.NO_COLOR));
    this.err = createStyle(colorsWanted(terminal.stderr.isTTY, terminal.env.NO_COLOR));
  }

  /**
   * How wide table output may be: the terminal's width when stdout is one, else `COLUMNS` when
   * set; otherwise (a pipe, a file) nothing is cut.
   */
  get outputWidth(): number | undefined {
    const { stdout, env } = this.terminal;
    if (stdout.isTTY === true && stdout.columns !== undefined && stdout.columns > 0) {
      return stdout.columns;
    }
    const columns = Number(env.COLUMNS);
    return Number.isInteger(columns) && columns > 0 ? columns : undefined;
  }

  get verbose(): boolean {
    return this.globals().verbose === true;
  }

  config(): AuditConfig {
    return loadConfig(this.terminal.env, this.globals().databaseUrl);
  }

  /** One line on stdout; nothing once its reader has gone. */
  print(text: string): void {
    if (!this.terminal.stdoutReader.gone) this.terminal.stdout.write(`${text}\n`);
  }

  /** One JSON document on stdout; Dates become ISO strings through their toJSON. */
  printJson(value: unknown): void {
    this.print(JSON.stringify(value, null, 2));
  }

  warn(text: string): void {
    this.terminal.stderr.write(`${text}\n`);
  }

  /** A progress bar on stderr, drawn only when stderr is a terminal. */
  progress(label: string, total?: number): Progress {
    return createProgress(this.terminal.stderr, {
      enabled: this.terminal.stderr.isTTY === true,
      label,
      ...(total === undefined ? {} : { total }),
    });
  }

  /**
   * A file argument as the user meant it. `pnpm cli` runs the CLI inside apps/cli; pnpm sets
   * INIT_CWD to the folder the user typed the command in, and relative paths start there.
   */
  resolvePath(file: string): string {
    if (isAbsolute(file)) return file;
    const base = this.terminal.env.INIT_CWD?.trim() || this.terminal.cwd;
    return resolve(base, file);
  }

  /** Opens the database, runs `work`, and closes the handle whatever happens. */
  async withDatabase<T>(
    work: (handle: DatabaseHandle) => Promise<T>,
    options: DatabaseOptions = {},
  ): Promise<T> {
    const config = this.config();
    // Drivers and the migrator load only for commands that touch the database: `--help` and
    // argument errors never pay for PGlite's WebAssembly or postgres.js.
    const { openDatabase } = await import("@forusbots/db/client");
    const handle = await openDatabase(config.database, {
      ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
      existingOnly: options.createsDatabase !== true,
    });
    try {
      if (options.requireSchema ?? true) await this.requireSchema(handle);
      return await work(handle);
    } finally {
      await handle.close();
    }
  }

  private async requireSchema(handle: DatabaseHandle): Promise<void> {
    const { describeEditedMigration, getMigrationStatus } = await import("@forusbots/db/migrator");
    // A read works on the schema the database has, whatever became of the files since: an
    // edited migration is worth a warning here, and blocks only migrate and rollback.
    const status = await getMigrationStatus(handle, undefined, { editedApplied: "report" });
    if (status.applied.length === 0) {
      throw new SchemaMissingError(handle.description);
    }
    for (const edited of status.edited) {
      this.warn(this.err.yellow(`warning: ${describeEditedMigration(edited)}`));
    }
    if (status.pending.length > 0) {
      this.warn(
        this.err.yellow(
          `warning: ${status.pending.length} migration(s) pending on ${handle.description}: run migrate`,
        ),
      );
    }
  }
}
