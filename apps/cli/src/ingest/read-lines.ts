import { StringDecoder } from "node:string_decoder";

export interface Line {
  /** 1-based, counting blank lines too, so it matches what an editor shows. */
  number: number;
  text: string;
  /** Bytes consumed from the input so far, for the progress bar. */
  bytesRead: number;
}

/**
 * Splits a byte stream into lines as it arrives. Async iteration over the stream pulls one chunk
 * at a time, so a slow database pauses the reading and memory stays flat however long the file;
 * the decoder keeps a UTF-8 character split across two chunks whole.
 */
export async function* readLines(input: AsyncIterable<Buffer | string>): AsyncGenerator<Line> {
  const decoder = new StringDecoder("utf8");
  let pending = "";
  let number = 0;
  let bytesRead = 0;
  for await (const chunk of input) {
    bytesRead += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
    pending += typeof chunk === "string" ? chunk : decoder.write(chunk);
    let newline = pending.indexOf("\n");
    let start = 0;
    while (newline !== -1) {
      number++;
      yield { number, text: withoutCarriageReturn(pending.slice(start, newline)), bytesRead };
      start = newline + 1;
      newline = pending.indexOf("\n", start);
    }
    pending = pending.slice(start);
  }
  pending += decoder.end();
  if (pending !== "") {
    number++;
    yield { number, text: withoutCarriageReturn(pending), bytesRead };
  }
}

const withoutCarriageReturn = (text: string) => (text.endsWith("\r") ? text.slice(0, -1) : text);
