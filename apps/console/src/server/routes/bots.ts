import { getBotMetrics, getJobTimeSeries } from "@forusbots/queries";
import { Hono } from "hono";
import type { DatabaseConnection } from "../database-connection.ts";
import {
  checkRange,
  checkTimelineSpan,
  optionalInstant,
  optionalText,
  type RequestParams,
  requiredInstant,
  timelineBucket,
} from "../request-params.ts";

export function botRoutes(
  connection: DatabaseConnection,
  paramsOf: (query: RequestParams["query"]) => RequestParams,
): Hono {
  return new Hono()
    .get("/", async (c) => {
      const params = paramsOf((name) => c.req.query(name));
      const from = optionalInstant(params, "from");
      const to = optionalInstant(params, "to");
      checkRange(from, to);
      const botId = optionalText(params, "bot");
      const bots = await getBotMetrics(await connection.db(), { botId, from, to });
      return c.json({ bots });
    })
    .get("/time-series", async (c) => {
      const params = paramsOf((name) => c.req.query(name));
      const bucket = timelineBucket(params, "bucket");
      const from = requiredInstant(params, "from");
      const to = requiredInstant(params, "to");
      checkRange(from, to);
      // Before the query, so one request cannot make the server count for minutes.
      checkTimelineSpan(bucket, from, to);
      const botId = optionalText(params, "bot");
      const points = await getJobTimeSeries(await connection.db(), { bucket, from, to, botId });
      return c.json({ bucket, from: from.toISOString(), to: to.toISOString(), points });
    });
}
