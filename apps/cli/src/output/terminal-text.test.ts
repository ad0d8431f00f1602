import { describe, expect, it } from "vitest";
import { escapeControlCharacters, escapeControlCharactersByLine } from "./terminal-text.ts";

describe("text printed to a terminal", () => {
  it("leaves ordinary text alone, accents and emoji included", () => {
    for (const text of ["invoice-bot", "Zürich: façade ✓", "日本語 🤖", "C:\\path\\to", ""]) {
      expect(escapeControlCharacters(text)).toBe(text);
    }
  });

  it("writes ESC sequences as visible escapes, so the terminal runs none of them", () => {
    // Set the window title (OSC 0), clear the screen (CSI 2J), red text (SGR 31).
    expect(escapeControlCharacters("bot\u001b]0;pwned\u0007")).toBe("bot\\x1b]0;pwned\\x07");
    expect(escapeControlCharacters("\u001b[2J\u001b[H")).toBe("\\x1b[2J\\x1b[H");
    expect(escapeControlCharacters("\u001b[31mred")).toBe("\\x1b[31mred");
    // C1 CSI on its own, and DEL.
    expect(escapeControlCharacters("a\u009b2Jb\u007f")).toBe("a\\x9b2Jb\\x7f");
  });

  it("keeps one line one line: breaks, returns and tabs are escaped too", () => {
    expect(escapeControlCharacters("line 1\nline 2\r\tend")).toBe("line 1\\nline 2\\r\\tend");
    expect(escapeControlCharacters("\u0000nul")).toBe("\\x00nul");
  });

  it("shows bidirectional overrides instead of letting them reorder the line", () => {
    expect(escapeControlCharacters("bot\u202egpj.exe")).toBe("bot\\u202egpj.exe");
    expect(escapeControlCharacters("\u2066x\u2069\u200f")).toBe("\\u2066x\\u2069\\u200f");
  });

  it("escapes a stack line by line, keeping its own line breaks", () => {
    expect(escapeControlCharactersByLine("Error: bad\u001b[2J\n    at f (x.ts:1:1)")).toBe(
      "Error: bad\\x1b[2J\n    at f (x.ts:1:1)",
    );
  });
});
