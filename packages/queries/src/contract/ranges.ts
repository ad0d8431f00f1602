/**
 * A time range is half-open, [from, to): `from` included, `to` excluded, so consecutive ranges
 * never count a job twice. Either end may be open; with both, `to` must come later: an empty or
 * backwards range is a mistake, not a question whose answer is "nothing".
 */
interface TimeRange {
  from?: Date;
  to?: Date;
}

export const isOrderedRange = ({ from, to }: TimeRange): boolean =>
  from === undefined || to === undefined || from.getTime() < to.getTime();

/** The problem with `to` when the range is not ordered. */
export const RANGE_ORDER_PROBLEM = "must be later than from";
