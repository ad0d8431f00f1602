export {
  type IngestReport,
  type IngestResult,
  ingestEvents,
  type RejectedEvent,
} from "./ingest-events.ts";
