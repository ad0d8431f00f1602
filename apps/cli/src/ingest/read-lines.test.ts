import { describe, expect, it } from "vitest";
import { type Line, readLines } from "./read-lines.ts";

const LIMIT = 1024 * 1024;

async function collect(chunks: (string | Buffer)[], maxLineBytes = LIMIT): Promise<Line[]> {
  async function* stream() {
    yield* chunks;
  }
  const lines: Line[] = [];
  for await (const line of readLines(stream(), { maxLineBytes })) lines.push(line);
  return lines;
}

/** Each line as its text, or as `!` and why it was not read. */
const contents = (lines: readonly Line[]) =>
  lines.map((line) => ("text" in line ? line.text : `! ${line.unreadable}`));

describe("readLines", () => {
  it("numbers lines from 1, blank ones included, across chunk boundaries", async () => {
    const lines = await collect(["first\nsec", "ond\n\nfou", "rth\n"]);
    expect(lines.map((line) => [line.number, "text" in line ? line.text : undefined])).toEqual([
      [1, "first"],
      [2, "second"],
      [3, ""],
      [4, "fourth"],
    ]);
  });

  it("keeps a last line without a newline, and strips Windows line ends", async () => {
    expect(contents(await collect(["a\r\nb\r\nc"]))).toEqual(["a", "b", "c"]);
  });

  it("keeps a UTF-8 character split between two chunks whole", async () => {
    // "é" is the two bytes c3 a9; the chunk boundary falls between them.
    const bytes = Buffer.from('{"name":"José"}\n', "utf8");
    const split = bytes.indexOf(0xa9);
    const lines = await collect([bytes.subarray(0, split), bytes.subarray(split)]);
    expect(contents(lines)).toEqual(['{"name":"José"}']);
  });

  it("counts bytes read, for the progress bar, and each line's own size", async () => {
    // 3 + 5 bytes: "ab\n" then "cd\né" (é is two bytes).
    const lines = await collect([Buffer.from("ab\n"), Buffer.from("cd\né")]);
    expect(lines.map((line) => line.bytesRead)).toEqual([3, 8, 8]);
    expect(lines.map((line) => line.bytes)).toEqual([2, 2, 2]);
  });

  it("drops a UTF-8 byte order mark at the start of the file, and only there", async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const lines = await collect([Buffer.concat([bom, Buffer.from("{}\n"), bom, Buffer.from("x")])]);
    expect(contents(lines)).toEqual(["{}", "\uFEFFx"]);
  });

  it("refuses a line that is not valid UTF-8, naming it, and reads on", async () => {
    const lines = await collect([
      Buffer.from("good\n"),
      Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]), // {, two bytes no UTF-8 text holds, }
      Buffer.from([0x61, 0xc3, 0x0a]), // a character cut short by the line end
      Buffer.from("after\n"),
    ]);
    expect(lines.map((line) => line.number)).toEqual([1, 2, 3, 4]);
    expect(contents(lines)).toEqual([
      "good",
      "! not valid UTF-8 text",
      "! not valid UTF-8 text",
      "after",
    ]);
  });

  it("refuses a line over the limit with its size, and takes the lines around it", async () => {
    const lines = await collect(["short\n", "x".repeat(60), "x".repeat(60), "\nnext\n"], 100);
    expect(contents(lines)).toEqual([
      "short",
      "! 120 bytes, longer than a line may be (100 bytes; --max-line-bytes)",
      "next",
    ]);
    // Exactly at the limit is taken.
    expect(contents(await collect(["y".repeat(100)], 100))).toEqual(["y".repeat(100)]);
  });

  it("reads a 50 MB line without a newline in linear time, holding none of it", async () => {
    const chunkBytes = 64 * 1024;
    const chunks = (50 * 1024 * 1024) / chunkBytes;
    // A fresh chunk each time, as a file stream reads them: holding them would show.
    async function* endless() {
      for (let n = 0; n < chunks; n++) yield Buffer.alloc(chunkBytes, 0x78);
    }
    const held = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    const heldBefore = held();
    const started = performance.now();
    const lines: Line[] = [];
    for await (const line of readLines(endless(), { maxLineBytes: LIMIT })) lines.push(line);
    const seconds = (performance.now() - started) / 1000;
    expect(contents(lines)).toEqual([
      `! ${50 * 1024 * 1024} bytes, longer than a line may be (${LIMIT} bytes; --max-line-bytes)`,
    ]);
    // The quadratic reader took 20 s and 500 MB for this; the line is only counted now.
    expect(seconds).toBeLessThan(2);
    expect(held() - heldBefore).toBeLessThan(40 * 1024 * 1024);
  });
});
