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
  type AuditRecorder,
  type AuditRecorderOptions,
  createAuditRecorder,
  type OpenedAuditRecorder,
  openAuditRecorder,
} from "./recorder.ts";
