import { createWriteStream, type WriteStream } from "node:fs";
import { UsageError } from "@forusbots/db";
import type { CliContext } from "../context.ts";

/**
 * Opens `--output` before the database, so a path that cannot be written is reported as a usage
 * error (exit status 2) and not as a crash halfway through the export.
 */
export async function openOutputFile(cli: CliContext, given: string): Promise<WriteStream> {
  const file = createWriteStream(cli.resolvePath(given));
  await new Promise<void>((resolve, reject) => {
    file.once("open", () => resolve());
    file.once("error", (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === "ENOENT"
          ? "no such folder"
          : error.code === "EACCES"
            ? "permission denied"
            : error.code === "EISDIR"
              ? "it is a directory"
              : (error.code ?? "cannot open it");
      reject(new UsageError(`cannot write ${given}: ${reason}`));
    });
  });
  return file;
}
