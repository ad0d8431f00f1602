import { AuditError, describeFailure, describeStack, EXIT_CODES, maskUrl } from "@forusbots/db";
import { CommanderError } from "commander";
import type { Style } from "./output/style.ts";
import { escapeControlCharactersByLine } from "./output/terminal-text.ts";

export const PROGRAM_NAME = "forus-audit";

/**
 * Replaces a database URL and its password wherever they appear. Messages are built to leave the
 * password out, but a driver error can echo what it was given; this is the last line of defence.
 */
export function redactSecrets(text: string, databaseUrl: string | undefined): string {
  if (!databaseUrl) return text;
  let redacted = text.replaceAll(databaseUrl, maskUrl(databaseUrl));
  try {
    const password = new URL(databaseUrl).password;
    for (const secret of new Set([password, decodeURIComponent(password)])) {
      if (secret.length > 0) redacted = redacted.replaceAll(secret, "***");
    }
  } catch {
    // An unparseable URL was already refused by loadConfig with a message that omits it.
  }
  return redacted;
}

/**
 * The read API's filter fields and the options that set them. The queries validate the filters
 * (`limit: must be at most 100`); said in the words of the command line, such a refusal is a
 * bad argument (exit status 2), not bad data.
 */
const OPTION_OF_FIELD: Record<string, string> = {
  botId: "--bot",
  state: "--state",
  limit: "--limit",
  before: "--before",
  from: "--from",
  to: "--to",
  stageName: "--stage",
  bucket: "--bucket",
};

function describeCliFailure(error: unknown): { message: string; exitCode: number } {
  if (error instanceof AuditError && error.kind === "validation" && "field" in error) {
    const option = typeof error.field === "string" ? OPTION_OF_FIELD[error.field] : undefined;
    if (option && error.message.startsWith(`${error.field}: `)) {
      return {
        message: `${option} ${error.message.slice(String(error.field).length + 2)}`,
        exitCode: EXIT_CODES.usage,
      };
    }
  }
  return describeFailure(error);
}

export interface FailureOutput {
  stderr: NodeJS.WritableStream;
  style: Style;
  verbose: boolean;
  databaseUrl: string | undefined;
}

/**
 * The one place an error becomes output and an exit status (the README's table): a single line
 * on stderr, the stack traces of the error and its causes only with --verbose. Neither ever
 * holds a statement's parameters (`describeFailure`, `describeStack`) or the password.
 */
export function reportFailure(error: unknown, output: FailureOutput): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its message (or the help); `--help` is its only success.
    return error.exitCode === 0 ? 0 : EXIT_CODES.usage;
  }
  const { message, exitCode } = describeCliFailure(error);
  const redact = (text: string) => redactSecrets(text, output.databaseUrl);
  // A message may quote what it refused (a job id, an event's bot): shown, never run. Its own
  // line breaks (a list of candidates) stay; a stored value in it is escaped where it is quoted.
  const line = escapeControlCharactersByLine(redact(message));
  output.stderr.write(`${output.style.red(`${PROGRAM_NAME}: ${line}`)}\n`);
  if (output.verbose) {
    const stack = escapeControlCharactersByLine(redact(describeStack(error)));
    output.stderr.write(`${output.style.dim(stack)}\n`);
  }
  return exitCode;
}
