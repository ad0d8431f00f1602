import { isUtf8 } from "node:buffer";

/** A line of the input: its text, or why it cannot be read as text at all. */
export type Line = {
  /** 1-based, counting blank lines too, so it matches what an editor shows. */
  number: number;
  /** The line's size in bytes, without its line end: what the batches are measured in. */
  bytes: number;
  /** Bytes consumed from the input so far, for the progress bar. */
  bytesRead: number;
} & ({ text: string } | { unreadable: string });

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
/** The UTF-8 byte order mark some editors put at the start of a file: not part of line 1. */
const BYTE_ORDER_MARK = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Splits a byte stream into lines as it arrives. Async iteration pulls one chunk at a time, so a
 * slow database pauses the reading and memory stays flat however long the file.
 *
 * The work is linear in the input: each chunk is searched for newlines once, from where the
 * last search stopped, and the pieces of a line spanning chunks are joined once, when it ends. A
 * line longer than `maxLineBytes` is refused without being held: its pieces are dropped as soon
 * as it passes the limit and the rest is only counted until its newline. Lines are split on
 * bytes (0x0A never occurs inside a UTF-8 character) and each is then checked to be valid UTF-8,
 * so that a stray byte is refused with its line number instead of being stored as U+FFFD.
 */
export async function* readLines(
  input: AsyncIterable<Buffer | string>,
  { maxLineBytes }: { maxLineBytes: number },
): AsyncGenerator<Line> {
  let pieces: Buffer[] = [];
  let lineBytes = 0;
  let number = 0;
  let bytesRead = 0;

  const endLine = (): Line => {
    number++;
    const bytes = lineBytes;
    const held = pieces;
    pieces = [];
    lineBytes = 0;
    if (bytes > maxLineBytes) {
      const unreadable = `${bytes} bytes, longer than a line may be (${maxLineBytes} bytes; --max-line-bytes)`;
      return { number, bytes, bytesRead, unreadable };
    }
    const content = held.length === 1 ? held[0] : Buffer.concat(held);
    const text = decodeLine(content ?? Buffer.alloc(0), number);
    return text === undefined
      ? { number, bytes, bytesRead, unreadable: "not valid UTF-8 text" }
      : { number, bytes, bytesRead, text };
  };

  const take = (piece: Buffer) => {
    lineBytes += piece.length;
    if (lineBytes <= maxLineBytes) pieces.push(piece);
    else pieces = [];
  };

  for await (const chunk of input) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    bytesRead += bytes.length;
    let start = 0;
    for (let newline = bytes.indexOf(NEWLINE); newline !== -1; ) {
      take(bytes.subarray(start, newline));
      yield endLine();
      start = newline + 1;
      newline = bytes.indexOf(NEWLINE, start);
    }
    if (start < bytes.length) take(bytes.subarray(start));
  }
  if (lineBytes > 0) yield endLine();
}

/** The line's text, or undefined when its bytes are not UTF-8. */
function decodeLine(bytes: Buffer, number: number): string | undefined {
  let content = bytes;
  if (number === 1 && content.subarray(0, 3).equals(BYTE_ORDER_MARK)) content = content.subarray(3);
  if (content.at(-1) === CARRIAGE_RETURN) content = content.subarray(0, -1);
  return isUtf8(content) ? content.toString("utf8") : undefined;
}
