export { type EventBatch, INGEST_BATCH_SIZE, writeEventBatches } from "./write-event-batches.ts";
export {
  type BatchItem,
  type BatchReport,
  type RejectedEvent,
  type ValidatedBatch,
  validateBatch,
  writeEvents,
  writeValidatedBatch,
} from "./write-events.ts";
