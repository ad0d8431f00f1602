import { getFailureGroups } from "@forusbots/queries";
import { Hono } from "hono";
import type { DatabaseConnection } from "../database-connection.ts";
import { optionalRange, optionalText, type RequestParams } from "../request-params.ts";

/** Failed jobs accepted in [from, to), grouped by their normalised error message. */
export function failureRoutes(
  connection: DatabaseConnection,
  paramsOf: (query: RequestParams["query"]) => RequestParams,
): Hono {
  return new Hono().get("/", async (c) => {
    const params = paramsOf((name) => c.req.query(name));
    const filter = { botId: optionalText(params, "bot"), ...optionalRange(params) };
    return c.json(await connection.read((db) => getFailureGroups(db, filter)));
  });
}
