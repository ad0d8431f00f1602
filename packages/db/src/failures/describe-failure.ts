import { AuditError, EXIT_CODES } from "../errors.ts";
import { safeMessageOf } from "./driver-error.ts";
import { translateDriverError } from "./translate.ts";

/**
 * One line for the user and the exit status, for any thrown value. A driver error that reached
 * the edge untranslated gets its kind here; anything else is an internal error, described
 * without a statement's parameters.
 */
export function describeFailure(error: unknown): { message: string; exitCode: number } {
  const translated = translateDriverError(error);
  if (translated instanceof AuditError) {
    return { message: translated.message, exitCode: EXIT_CODES[translated.kind] };
  }
  return { message: `internal error: ${safeMessageOf(translated)}`, exitCode: EXIT_CODES.internal };
}
