/** Lifecycle of a job: queued → running → succeeded | failed | canceled, and queued → canceled. */
export const JOB_STATES = ["queued", "running", "succeeded", "failed", "canceled"] as const;
export type JobState = (typeof JOB_STATES)[number];

/** The states a job can end in; once reached, a job never changes again. */
export const TERMINAL_JOB_STATES = ["succeeded", "failed", "canceled"] as const;
export type TerminalJobState = (typeof TERMINAL_JOB_STATES)[number];

export const isTerminalState = (state: JobState): state is TerminalJobState =>
  (TERMINAL_JOB_STATES as readonly JobState[]).includes(state);

/** Outcome of one stage of a job. The seed spells them as verbs: succeed | fail. */
export const STAGE_STATUSES = ["succeed", "fail"] as const;
export type StageStatus = (typeof STAGE_STATUSES)[number];
