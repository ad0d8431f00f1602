export type {
  AuditRecorder,
  AuditRecorderCalls,
  OpenedAuditRecorder,
} from "./audit-recorder.ts";
export type { DurableRecorderOptions } from "./durable-recorder.ts";
export { flushSpool, type SpoolFlushReport } from "./flush-spool.ts";
export {
  type JobContext,
  type JobOptions,
  runJob,
  type StageOptions,
} from "./job-wrapper.ts";
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
