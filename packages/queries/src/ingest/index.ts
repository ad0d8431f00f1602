export {
  type BatchItem,
  type BatchReport,
  type RejectedEvent,
  writeEvents,
} from "./write-events.ts";
