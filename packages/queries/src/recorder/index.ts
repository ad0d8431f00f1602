export type {
  AuditRecorder,
  AuditRecorderCalls,
  JobContext,
  JobOptions,
  OpenedAuditRecorder,
  StageOptions,
} from "./audit-recorder.ts";
export type { DurableRecorderOptions } from "./durable-recorder.ts";
export { flushSpool, type SpoolFlushReport } from "./flush-spool.ts";
export { runJob } from "./job-wrapper.ts";
export {
  type AcceptJobInput,
  acceptJob,
  type FinishJobInput,
  finishJob,
  type RecordStageInput,
  recordStage,
  type StartJobInput,
  startJob,
  type WriteOutcome,
} from "./record-event.ts";
export {
  type AuditRecorderOptions,
  createAuditRecorder,
  openAuditRecorder,
} from "./recorder.ts";
export type { RecorderEvent, RecorderEventListener } from "./recorder-events.ts";
export { readSpoolStatus, type SpoolSegmentStatus, type SpoolStatus } from "./spool/status.ts";
