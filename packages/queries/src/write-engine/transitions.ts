import { type JobState, TERMINAL_JOB_STATES, type TerminalJobState } from "@forusbots/db/schema";
import { type SQL, sql } from "drizzle-orm";

/**
 * The job state machine: queued → running → succeeded | failed | canceled, and queued → canceled.
 * A terminal state never changes. The writes enforce it in their WHERE clause, so two processes
 * racing on one job cannot both move it: the second UPDATE re-checks the row after the first
 * commits and finds nothing to change.
 */
export const START_FROM: readonly JobState[] = ["queued"];

export const FINISH_FROM: Readonly<Record<TerminalJobState, readonly JobState[]>> = {
  succeeded: ["running"],
  failed: ["running"],
  canceled: ["queued", "running"],
};

const stateList = (states: readonly JobState[]): SQL =>
  sql.join(
    states.map((state) => sql`${state}`),
    sql`, `,
  );

/** `current` may start: it is in START_FROM. */
export const mayStart = (current: SQL): SQL => sql`${current} IN (${stateList(START_FROM)})`;

/** A job in state `current` may finish as `target` (both SQL expressions). */
export const mayFinish = (target: SQL, current: SQL): SQL =>
  sql`(${sql.join(
    TERMINAL_JOB_STATES.map(
      (state) => sql`(${target} = ${state} AND ${current} IN (${stateList(FINISH_FROM[state])}))`,
    ),
    sql` OR `,
  )})`;
