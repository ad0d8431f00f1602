export {
  CONNECTION_CODES,
  LOCK_NOT_AVAILABLE,
  QUERY_CANCELED,
  TRANSACTION_CONFLICT_CODES,
  UNDEFINED_TABLE,
} from "./codes.ts";
export { explainConnectionFailure } from "./connection-failure.ts";
export { describeFailure } from "./describe-failure.ts";
export { type DriverError, readDriverError, safeMessageOf, sqlStateOf } from "./driver-error.ts";
export { describeStack } from "./stack.ts";
export {
  classifyDriverError,
  type DriverFailure,
  type DriverFailureKind,
  isLockTimeout,
  isTransactionConflict,
  translateDriverError,
  UnexpectedDatabaseError,
} from "./translate.ts";
