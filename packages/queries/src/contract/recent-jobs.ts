import { JOB_STATES, type JobState } from "@forusbots/db/states";
import { accepted, type Parsed, refused } from "./parsed.ts";

/**
 * Most jobs one page of recent jobs holds, as many as the `recent_jobs` view keeps; further back
 * is the next page (keyset pagination), never a bigger one.
 */
export const MAX_RECENT_JOBS = 100;

export { JOB_STATES, type JobState };

/** A job-state filter: one of the states a job can be in, spelled as the `jobs.state` column. */
export function parseJobState(text: string): Parsed<JobState> {
  const state = JOB_STATES.find((candidate) => candidate === text.trim());
  return state === undefined
    ? refused(`expected one of ${JOB_STATES.join(", ")}`)
    : accepted(state);
}
