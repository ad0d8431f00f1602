import { once } from "node:events";
import type { Writable } from "node:stream";

/**
 * Writes lines as they are produced, waiting for the stream to drain when its buffer is full so
 * an export of millions of rows holds only what the reader has not taken yet. A reader that goes
 * away (`export | head`) ends the export quietly, as a Unix tool does.
 */
export async function writeLines(stream: Writable, lines: AsyncIterable<string>): Promise<void> {
  let failure: NodeJS.ErrnoException | undefined;
  const onError = (error: NodeJS.ErrnoException) => {
    failure = error;
  };
  stream.on("error", onError);
  try {
    for await (const line of lines) {
      if (failure) break;
      // `once` also settles when the stream emits "error", so a closed pipe cannot hang here.
      if (!stream.write(line)) await once(stream, "drain").catch(() => {});
    }
  } finally {
    stream.off("error", onError);
  }
  if (failure && failure.code !== "EPIPE") throw failure;
}
