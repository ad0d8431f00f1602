import type { JobState, StageStatus } from "@forusbots/db/schema";
import { STAGE_STATUS_LABELS } from "../job-states.ts";

export function StateBadge({ state }: { state: JobState }) {
  return <span className={`badge badge-${state}`}>{state}</span>;
}

export function StageStatusBadge({ status }: { status: StageStatus }) {
  return (
    <span className={`badge badge-${status === "fail" ? "failed" : "succeeded"}`}>
      {STAGE_STATUS_LABELS[status]}
    </span>
  );
}
