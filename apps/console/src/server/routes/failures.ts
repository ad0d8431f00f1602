import { getFailureGroups } from "@forusbots/queries";
import { Hono } from "hono";
import type { DatabaseConnection } from "../database-connection.ts";
import {
  checkRange,
  optionalInstant,
  optionalText,
  type RequestParams,
} from "../request-params.ts";

/** Failed jobs accepted in [from, to), grouped by their normalised error message. */
export function failureRoutes(
  connection: DatabaseConnection,
  paramsOf: (query: RequestParams["query"]) => RequestParams,
): Hono {
  return new Hono().get("/", async (c) => {
    const params = paramsOf((name) => c.req.query(name));
    const from = optionalInstant(params, "from");
    const to = optionalInstant(params, "to");
    checkRange(from, to);
    const botId = optionalText(params, "bot");
    return c.json(await connection.read((db) => getFailureGroups(db, { botId, from, to })));
  });
}
