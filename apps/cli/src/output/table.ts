import type { Style } from "./style.ts";
import { escapeControlCharacters } from "./terminal-text.ts";

export interface Column {
  header: string;
  /** Numbers read best right-aligned. */
  align?: "left" | "right";
}

/** A cell's text, optionally with the colour it is painted in once padded. */
export type Cell = string | { text: string; paint: (text: string) => string };

/** A cell as printed: its control characters escaped, since cells show stored data. */
const cellText = (cell: Cell | undefined) =>
  escapeControlCharacters(cell === undefined ? "" : typeof cell === "string" ? cell : cell.text);

/**
 * A plain-text table: a header, a rule, one line per row, columns padded to their widest cell.
 * Padding is computed on the plain text and colour added after, so ANSI codes never skew widths.
 * Every cell's control characters are escaped (terminal-text.ts): a stored ESC sequence is shown,
 * never run, and a stored line break cannot split a row.
 */
export function renderTable(columns: readonly Column[], rows: readonly Cell[][], style: Style) {
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...rows.map((row) => cellText(row[index]).length)),
  );
  const pad = (cell: Cell | undefined, index: number) => {
    const text = cellText(cell);
    const width = widths[index] ?? text.length;
    const padded = columns[index]?.align === "right" ? text.padStart(width) : text.padEnd(width);
    return cell !== undefined && typeof cell !== "string" ? cell.paint(padded) : padded;
  };
  const line = (cells: readonly Cell[]) =>
    columns
      .map((_, index) => pad(cells[index], index))
      .join("  ")
      .trimEnd();
  const header = style.bold(line(columns.map((column) => column.header)));
  const rule = style.dim(widths.map((width) => "─".repeat(width)).join("  "));
  return [header, rule, ...rows.map(line)].join("\n");
}
