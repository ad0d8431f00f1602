import { describe, expect, it } from "vitest";
import { type Line, readLines } from "./read-lines.ts";

async function collect(chunks: (string | Buffer)[]): Promise<Line[]> {
  async function* stream() {
    yield* chunks;
  }
  const lines: Line[] = [];
  for await (const line of readLines(stream())) lines.push(line);
  return lines;
}

describe("readLines", () => {
  it("numbers lines from 1, blank ones included, across chunk boundaries", async () => {
    const lines = await collect(["first\nsec", "ond\n\nfou", "rth\n"]);
    expect(lines.map(({ number, text }) => [number, text])).toEqual([
      [1, "first"],
      [2, "second"],
      [3, ""],
      [4, "fourth"],
    ]);
  });

  it("keeps a last line without a newline, and strips Windows line ends", async () => {
    const lines = await collect(["a\r\nb\r\nc"]);
    expect(lines.map((line) => line.text)).toEqual(["a", "b", "c"]);
  });

  it("keeps a UTF-8 character split between two chunks whole", async () => {
    // "é" is the two bytes c3 a9; the chunk boundary falls between them.
    const bytes = Buffer.from('{"name":"José"}\n', "utf8");
    const split = bytes.indexOf(0xa9);
    const lines = await collect([bytes.subarray(0, split), bytes.subarray(split)]);
    expect(lines.map((line) => line.text)).toEqual(['{"name":"José"}']);
  });

  it("counts bytes read, for the progress bar", async () => {
    // 3 + 5 bytes: "ab\n" then "cd\né" (é is two bytes).
    const lines = await collect([Buffer.from("ab\n"), Buffer.from("cd\né")]);
    expect(lines.map((line) => line.bytesRead)).toEqual([3, 8, 8]);
  });
});
