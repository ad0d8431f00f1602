import type { Writable } from "node:stream";

export interface Progress {
  /** `done` of `total` units (bytes, jobs), and what to show beside the bar (`1,200 lines`). */
  update(done: number, detail: string): void;
  /** Clears the bar so the summary that follows starts on a clean line. */
  finish(): void;
}

const BAR_WIDTH = 30;
/** Redrawing on every line of a million-line file would cost more than the ingest itself. */
const REDRAW_INTERVAL_MS = 100;

const silent: Progress = { update: () => {}, finish: () => {} };

/**
 * A one-line progress bar redrawn in place on stderr. It exists only on a terminal: piped or
 * redirected, the CLI stays quiet and the stream gets no carriage returns.
 */
export function createProgress(
  stream: Writable,
  options: { enabled: boolean; label: string; total?: number },
): Progress {
  if (!options.enabled) return silent;
  let lastDraw = 0;
  let drawn = false;
  const draw = (done: number, detail: string) => {
    let line = `${options.label} ${detail}`;
    if (options.total !== undefined && options.total > 0) {
      const ratio = Math.min(1, done / options.total);
      const filled = Math.round(ratio * BAR_WIDTH);
      line = `${options.label} [${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)}] ${Math.floor(ratio * 100)}% ${detail}`;
    }
    stream.write(`\r\u001b[2K${line}`);
    drawn = true;
  };
  return {
    update(done, detail) {
      const now = Date.now();
      if (now - lastDraw < REDRAW_INTERVAL_MS) return;
      lastDraw = now;
      draw(done, detail);
    },
    finish() {
      if (!drawn) return;
      stream.write("\r\u001b[2K");
      drawn = false;
    },
  };
}
