import { causeChain, ownSafeMessage } from "./driver-error.ts";

/** The first line of a V8 stack that is a frame; the lines above it are the message. */
const FRAME = /^\s+at /;

/**
 * An error's stack with its message replaced by a safe one. V8 writes the message at the top of
 * `error.stack`, so drizzle's wrapper carries the parameters there as well as in its message.
 */
function safeStack(error: unknown): string {
  const header = `${error instanceof Error ? error.name : "thrown"}: ${ownSafeMessage(error)}`;
  const lines = (error instanceof Error ? (error.stack ?? "") : "").split("\n");
  const firstFrame = lines.findIndex((line) => FRAME.test(line));
  return firstFrame === -1 ? header : [header, ...lines.slice(firstFrame)].join("\n");
}

/**
 * The stacks of an error and its causes (for `--verbose` and logs), each message made safe:
 * no statement parameters, no row values.
 */
export function describeStack(error: unknown): string {
  return causeChain(error)
    .map((link, index) => `${index === 0 ? "" : "caused by: "}${safeStack(link)}`)
    .join("\n");
}
