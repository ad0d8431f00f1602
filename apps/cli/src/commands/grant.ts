import type { Command } from "@commander-js/extra-typings";
import { AUDIT_ROLES, isAuditRoleName, UsageError } from "@forusbots/db";
import type { CliContext } from "../context.ts";

export function registerGrant(program: Command, cli: CliContext): void {
  program
    .command("grant")
    .description(
      "make a login role a member of audit_reader (console, read commands) or audit_writer (bots, ingest); --revoke takes it back",
    )
    .argument("<role>", "reader or writer")
    .argument("<login-role>", "an existing PostgreSQL login role")
    .option("--revoke", "take the membership back")
    .option("--json", "print the result as JSON")
    .addHelpText(
      "after",
      `\nRoles are the server's, not one database's: the membership counts in every database whose\nmigrations granted ${AUDIT_ROLES.reader} / ${AUDIT_ROLES.writer} their rights. Run it as the role that migrated\n(it needs CREATEROLE or the group's ADMIN OPTION).`,
    )
    .action(async (role, loginRole, options) => {
      if (!isAuditRoleName(role)) {
        throw new UsageError(`grant takes reader or writer (got "${role}")`);
      }
      const { setAuditRoleMembership } = await import("@forusbots/db");
      const { result, target } = await cli.withDatabase(
        async (handle) => ({
          result: await setAuditRoleMembership(
            handle,
            role,
            loginRole,
            options.revoke ? "revoke" : "grant",
          ),
          target: handle.description,
        }),
        { requireSchema: false, maxConnections: 1 },
      );
      if (options.json) {
        cli.printJson({ target, ...result });
        return;
      }
      const { group, member, changed } = result;
      cli.print(
        options.revoke
          ? changed
            ? `Revoked ${group} from ${member} on ${target}.`
            : `${member} was not a member of ${group}: nothing to revoke.`
          : changed
            ? `Granted ${group} to ${member} on ${target}.`
            : `${member} already is a member of ${group}: nothing to grant.`,
      );
    });
}
