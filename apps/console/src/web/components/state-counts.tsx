import type { JobState } from "@forusbots/db/schema";
import type { JobStateCountsResponse } from "../../shared/api-types.ts";
import { formatCount } from "../display-format.ts";
import { JOB_STATE_ORDER } from "../job-states.ts";

/**
 * How many jobs of the list's bot and range are in each state, every state shown (zero too);
 * each a button that filters the list to it, or back to all states.
 */
export function StateCounts({
  counts,
  selected,
  onSelect,
}: {
  counts: JobStateCountsResponse["counts"];
  selected: JobState | undefined;
  onSelect: (state: JobState | undefined) => void;
}) {
  const total = JOB_STATE_ORDER.reduce((sum, state) => sum + counts[state], 0);
  return (
    <div className="state-counts" data-testid="state-counts">
      <button
        type="button"
        className="state-count"
        data-state="all"
        aria-pressed={selected === undefined}
        onClick={() => onSelect(undefined)}
      >
        <span className="state-count-label">all</span>
        <span className="state-count-value">{formatCount(total)}</span>
      </button>
      {JOB_STATE_ORDER.map((state) => (
        <button
          key={state}
          type="button"
          className={`state-count state-count-${state}`}
          data-state={state}
          aria-pressed={selected === state}
          onClick={() => onSelect(selected === state ? undefined : state)}
        >
          <span className="state-count-label">{state}</span>
          <span className="state-count-value">{formatCount(counts[state])}</span>
        </button>
      ))}
    </div>
  );
}
