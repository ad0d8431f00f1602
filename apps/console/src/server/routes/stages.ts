import { getStageSummary } from "@forusbots/queries";
import { Hono } from "hono";
import type { DatabaseConnection } from "../database-connection.ts";
import {
  checkRange,
  optionalInstant,
  optionalText,
  type RequestParams,
} from "../request-params.ts";

export function stageRoutes(
  connection: DatabaseConnection,
  paramsOf: (query: RequestParams["query"]) => RequestParams,
): Hono {
  return new Hono().get("/", async (c) => {
    const params = paramsOf((name) => c.req.query(name));
    const from = optionalInstant(params, "from");
    const to = optionalInstant(params, "to");
    checkRange(from, to);
    const stages = await getStageSummary(await connection.db(), {
      stageName: optionalText(params, "name"),
      botId: optionalText(params, "bot"),
      from,
      to,
    });
    return c.json({ stages });
  });
}
