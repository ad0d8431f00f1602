/**
 * A command's reader may go away before the command is done (`migrate --dry-run | head -1`):
 * writing then fails with EPIPE, which Node raises as an uncaught error with a stack trace. Both
 * command lines treat it as Unix tools do: the output is no longer wanted, the work is not
 * abandoned (a migration half-way is finished, not cut), and the exit status is the command's own.
 */
export interface ReaderState {
  /** True once the reader has gone: later output can be skipped. */
  readonly gone: boolean;
}

/** Swallows EPIPE on `stream`; any other write error still fails loudly, as it did. */
export function tolerateGoneReader(stream: NodeJS.WritableStream): ReaderState {
  const state = { gone: false };
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    state.gone = true;
  });
  return state;
}
