import type { Style } from "./style.ts";
import type { Cell } from "./table.ts";

/** A job state or stage status as a table cell, coloured by outcome. */
export function stateCell(state: string, style: Style): Cell {
  switch (state) {
    case "succeeded":
    case "succeed":
      return { text: state, paint: style.green };
    case "failed":
    case "fail":
      return { text: state, paint: style.red };
    case "running":
      return { text: state, paint: style.cyan };
    case "canceled":
      return { text: state, paint: style.yellow };
    default:
      return state;
  }
}
