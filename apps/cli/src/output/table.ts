import type { Style } from "./style.ts";
import { escapeControlCharacters } from "./terminal-text.ts";

export interface Column {
  header: string;
  /** Numbers read best right-aligned. */
  align?: "left" | "right";
  /**
   * The column may be cut (its cells ending in "…") to fit the table in the terminal: free text
   * such as names and errors, never ids, times or figures. `--json` always has the full values.
   */
  truncatable?: boolean;
}

/** Narrowest a truncatable column gets: four characters and the ellipsis, the price of 80 columns. */
const MIN_TRUNCATED_WIDTH = 5;
const ELLIPSIS = "…";

/** `text` cut to `width` characters, its last one an ellipsis when anything was cut. */
export function truncateText(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}${ELLIPSIS}`;
}

/**
 * Column widths that fit `maxWidth` where they can: the widest truncatable column gives up one
 * character at a time until the table fits or every truncatable column is at its minimum.
 */
function fitWidths(
  columns: readonly Column[],
  natural: readonly number[],
  maxWidth: number | undefined,
): number[] {
  const widths = [...natural];
  if (maxWidth === undefined) return widths;
  const gaps = 2 * (widths.length - 1);
  const total = () => widths.reduce((sum, width) => sum + width, gaps);
  while (total() > maxWidth) {
    let widest = -1;
    columns.forEach((column, index) => {
      const floor = Math.max(MIN_TRUNCATED_WIDTH, column.header.length);
      if (column.truncatable && (widths[index] ?? 0) > floor) {
        if (widest === -1 || (widths[index] ?? 0) > (widths[widest] ?? 0)) widest = index;
      }
    });
    if (widest === -1) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
  }
  return widths;
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
 * never run, and a stored line break cannot split a row. With `maxWidth` (the terminal's width),
 * truncatable columns are cut so that a line does not wrap.
 */
export function renderTable(
  columns: readonly Column[],
  rows: readonly Cell[][],
  style: Style,
  maxWidth?: number,
) {
  const natural = columns.map((column, index) =>
    Math.max(column.header.length, ...rows.map((row) => cellText(row[index]).length)),
  );
  const widths = fitWidths(columns, natural, maxWidth);
  const pad = (cell: Cell | undefined, index: number) => {
    const width = widths[index] ?? 0;
    const text = truncateText(cellText(cell), width);
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
