import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { useAuditDatabase } from "../testing/audit-database.ts";
import { bytewiseRanks, compareBytewise } from "./filters.ts";

const context = useAuditDatabase();

describe("compareBytewise", () => {
  it('sorts as COLLATE "C" does, code points above U+FFFF and prefixes included', async () => {
    // ASCII, Latin-1, the last BMP private-use and replacement characters, a surrogate pair
    // (U+1F600, which UTF-16's < would put before U+E000), prefixes and the empty string.
    const names = ["b", "a", "ab", "", "é", "\uE000", "\uFFFD", "😀", "😀a", "Z", "a😀", "a\uE000"];
    const rows = await context.handle.query<{ name: string }>(
      sql`SELECT name FROM jsonb_array_elements_text(${JSON.stringify(names)}::jsonb) AS name
        ORDER BY name COLLATE "C"`,
    );
    expect([...names].sort(compareBytewise)).toEqual(rows.map((row) => row.name));
    // Worked out by hand from the UTF-8 bytes: 5A, 61, 61 61 62... ; EE 80 80 < EF BF BD < F0 9F...
    expect([...names].sort(compareBytewise)).toEqual([
      "",
      "Z",
      "a",
      "ab",
      "a\uE000",
      "a😀",
      "b",
      "é",
      "\uE000",
      "\uFFFD",
      "😀",
      "😀a",
    ]);
  });
});

describe("bytewiseRanks", () => {
  it("ranks each distinct value by its place in byte order, repeats sharing one rank", () => {
    const ranks = bytewiseRanks(["b", "😀", "a", "\uFFFD", "b", "a"]);
    // Bytes: 61 < 62 < EF BF BD < F0 9F 98 80.
    expect([...ranks]).toEqual([
      ["a", 0],
      ["b", 1],
      ["\uFFFD", 2],
      ["😀", 3],
    ]);
  });
});
