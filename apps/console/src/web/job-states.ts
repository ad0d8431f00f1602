import type { JobState, StageStatus } from "@forusbots/db/schema";

/** Order of the stacks in charts and of the state filter: how a job's life runs. */
export const JOB_STATE_ORDER: readonly JobState[] = [
  "succeeded",
  "failed",
  "canceled",
  "running",
  "queued",
];

export const JOB_STATE_COLORS: Record<JobState, string> = {
  succeeded: "#16a34a",
  failed: "#dc2626",
  canceled: "#94a3b8",
  running: "#2563eb",
  queued: "#f59e0b",
};

export const STAGE_STATUS_COLORS: Record<StageStatus, string> = {
  succeed: "#4f46e5",
  fail: "#dc2626",
};

export const STAGE_STATUS_LABELS: Record<StageStatus, string> = {
  succeed: "succeeded",
  fail: "failed",
};
