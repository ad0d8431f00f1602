import { AuditError } from "@forusbots/db";

/** A bad argument or input file the user can fix: exit status 2, like commander's own errors. */
export class UsageError extends AuditError {
  constructor(message: string) {
    super("usage", message);
    this.name = "UsageError";
  }
}
