import { describe, expect, it } from "vitest";
import { csvField, csvLine } from "./csv.ts";

describe("CSV fields (RFC 4180)", () => {
  it("leaves plain text alone and empties null and undefined", () => {
    expect(csvLine(["alpha", 42, null, undefined, true])).toBe("alpha,42,,,true\r\n");
  });

  it("quotes a comma, a quote or a line break, doubling quotes", () => {
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
  });

  it("writes timestamps as ISO 8601 and objects as JSON", () => {
    expect(csvField(new Date(Date.UTC(2026, 2, 1, 12, 0, 5)))).toBe("2026-03-01T12:00:05.000Z");
    expect(csvField({ code: "E1", retry: true })).toBe('"{""code"":""E1"",""retry"":true}"');
  });
});
