export { MAX_EVENT_BYTES, MAX_JSON_DEPTH } from "./limits.ts";
export {
  describeIssues,
  type ParseResult,
  safeParseAuditEvent,
} from "./parse.ts";
export {
  AUDIT_EVENT_TYPES,
  type AuditEvent,
  type AuditEventInput,
  type AuditEventType,
  auditEventSchema,
  type JobAcceptedEvent,
  type JobFinishedEvent,
  type JobStartedEvent,
  jobAcceptedEventSchema,
  jobFinishedEventSchema,
  jobStartedEventSchema,
  type StageEvent,
  stageEventSchema,
} from "./schemas.ts";
