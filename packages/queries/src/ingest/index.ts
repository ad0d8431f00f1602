export {
  type EventBatch,
  INGEST_BATCH_BYTES,
  INGEST_BATCH_SIZE,
  writeEventBatches,
} from "./write-event-batches.ts";
export {
  type BatchItem,
  type BatchReport,
  type RejectedEvent,
  writeEvents,
} from "./write-events.ts";
