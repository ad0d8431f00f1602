/**
 * What the CLI prints as text goes to a terminal, which executes the escape sequences it is
 * sent. A bot id, a stage name, an error message or an event line is data someone else wrote: an
 * ESC sequence stored in one would retitle the operator's terminal, clear the screen, rewrite the
 * lines above (hiding a failure) or, with OSC 52, set the clipboard. So every control character in
 * such text is printed as a visible escape instead:
 * - C0 (U+0000–U+001F), DEL and C1 (U+0080–U+009F: U+009B alone is CSI to some terminals). Line
 *   breaks and tabs too: a table row, a field or a one-line message stays one line, and a stored
 *   "\n" cannot forge a line of the CLI's own;
 * - the invisible marks and overrides of bidirectional text (U+061C, U+200E, U+200F,
 *   U+202A–U+202E, U+2066–U+2069), which reorder what is shown ("Trojan Source").
 *
 * `\n`, `\r` and `\t` keep their usual spelling; the rest are `\xHH` or `\uHHHH`, as in a
 * JavaScript string. `--json` needs none of this: JSON.stringify already escapes C0 and the
 * terminal shows the escapes, and a program reading it gets the exact value.
 */
const CONTROL_CHARACTERS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeOne(character: string): string {
  const named = NAMED[character];
  if (named !== undefined) return named;
  const code = character.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** `text` with every control character written as a visible escape: one line, nothing executed. */
export const escapeControlCharacters = (text: string): string =>
  text.replace(CONTROL_CHARACTERS, escapeOne);

/** The same, line by line, for text whose own line breaks are its layout (a stack trace). */
export const escapeControlCharactersByLine = (text: string): string =>
  text.split("\n").map(escapeControlCharacters).join("\n");
