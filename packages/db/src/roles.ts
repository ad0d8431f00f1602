import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "./client/handle.ts";
import { AuditError, RefusedError, UsageError } from "./errors.ts";
import { translateDriverError } from "./failures/translate.ts";

/**
 * The group roles migration 0007_least_privilege_roles creates (cluster-wide, NOLOGIN): what the
 * console and read commands need, and what the recorder and ingest need. See the migration for
 * exactly what each holds.
 */
export const AUDIT_ROLES = { reader: "audit_reader", writer: "audit_writer" } as const;

export type AuditRoleName = keyof typeof AUDIT_ROLES;

export const isAuditRoleName = (name: string): name is AuditRoleName =>
  Object.hasOwn(AUDIT_ROLES, name);

export interface RoleGrantResult {
  /** `audit_reader` or `audit_writer`. */
  group: string;
  member: string;
  action: "grant" | "revoke";
  /** False when the login role already was (grant) or was not (revoke) a member. */
  changed: boolean;
}

async function roleFacts(
  handle: DatabaseHandle,
  group: string,
  member: string,
): Promise<{ groupExists: boolean; memberExists: boolean; canLogin: boolean; isMember: boolean }> {
  const [row] = await handle.query<{
    group_exists: boolean;
    member_exists: boolean;
    can_login: boolean | null;
    is_member: boolean;
  }>(sql`
    SELECT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${group}) AS group_exists,
           EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${member}) AS member_exists,
           (SELECT rolcanlogin FROM pg_catalog.pg_roles WHERE rolname = ${member}) AS can_login,
           EXISTS (
             SELECT FROM pg_catalog.pg_auth_members m
             JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
             JOIN pg_catalog.pg_roles u ON u.oid = m.member
             WHERE g.rolname = ${group} AND u.rolname = ${member}
           ) AS is_member`);
  return {
    groupExists: row?.group_exists === true,
    memberExists: row?.member_exists === true,
    canLogin: row?.can_login === true,
    isMember: row?.is_member === true,
  };
}

/**
 * Makes an existing login role a member of `audit_reader` or `audit_writer` (or, with `revoke`,
 * no longer one). Membership is cluster-wide, like the roles; what it allows in a database is
 * what that database's migration granted the group. The connected role needs CREATEROLE or the
 * group's ADMIN OPTION: otherwise PostgreSQL refuses it (permission denied, exit 8).
 */
export async function setAuditRoleMembership(
  handle: DatabaseHandle,
  role: AuditRoleName,
  member: string,
  action: "grant" | "revoke",
): Promise<RoleGrantResult> {
  if (handle.engine !== "postgres") {
    throw new UsageError(
      "the embedded database (PGlite) has a single user and no logins: audit_reader and audit_writer exist there but separate nothing; grant them on a PostgreSQL server (--database-url or DATABASE_URL)",
    );
  }
  const group = AUDIT_ROLES[role];
  if ((Object.values(AUDIT_ROLES) as string[]).includes(member)) {
    throw new UsageError(`${member} is one of the audit group roles; name a login role`);
  }
  const facts = await roleFacts(handle, group, member);
  if (!facts.groupExists) {
    throw new AuditError(
      "schema",
      `role ${group} does not exist on this server: run migrate (as a role allowed to create roles), or have an administrator run the SQL migrate printed`,
    );
  }
  if (!facts.memberExists) {
    throw new AuditError("not_found", `no role named "${member}" on this server`);
  }
  if (!facts.canLogin && action === "grant") {
    throw new UsageError(
      `role "${member}" cannot log in (NOLOGIN): grant ${group} to the login role a program connects as`,
    );
  }
  const changed = action === "grant" ? !facts.isMember : facts.isMember;
  if (changed) {
    const statement =
      action === "grant"
        ? sql`GRANT ${sql.identifier(group)} TO ${sql.identifier(member)}`
        : sql`REVOKE ${sql.identifier(group)} FROM ${sql.identifier(member)}`;
    try {
      await handle.query(statement);
    } catch (error) {
      const translated = translateDriverError(error);
      if (!(translated instanceof AuditError) || translated.kind !== "refused") throw translated;
      throw new RefusedError(
        `${translated.message}: run grant as the role that ran migrate (it needs CREATEROLE or ${group}'s ADMIN OPTION), or have an administrator run ${action === "grant" ? `GRANT ${group} TO "${member}"` : `REVOKE ${group} FROM "${member}"`}`,
        { cause: error },
      );
    }
  }
  return { group, member, action, changed };
}
