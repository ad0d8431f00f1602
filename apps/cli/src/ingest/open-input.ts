import { open } from "node:fs/promises";
import { UsageError } from "@forusbots/db";
import type { CliContext } from "../context.ts";

export interface EventsInput {
  /** How the input is named in messages: the path as given, or "standard input". */
  name: string;
  stream: AsyncIterable<Buffer | string>;
  /** Bytes in the file, for a progress bar with a percentage; unknown for standard input. */
  size?: number;
}

const REASONS: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EISDIR: "it is a directory",
};

/**
 * Opens the events file before the database, so a mistyped path is reported as such (exit
 * status 2) without waiting for a connection.
 */
export async function openEventsInput(cli: CliContext, file: string): Promise<EventsInput> {
  if (file === "-") return { name: "standard input", stream: cli.terminal.stdin };
  const path = cli.resolvePath(file);
  try {
    const handle = await open(path, "r");
    const stats = await handle.stat();
    if (stats.isDirectory()) {
      await handle.close();
      throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    }
    return { name: file, stream: handle.createReadStream(), size: stats.size };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    throw new UsageError(
      `cannot read events file ${file}: ${REASONS[code] ?? (error as Error).message}`,
    );
  }
}
