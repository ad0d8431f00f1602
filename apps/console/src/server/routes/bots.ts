import { getBotMetrics, getJobTimeSeries } from "@forusbots/queries";
import { percentileRangeProblem } from "@forusbots/queries/contract";
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
      // The counts come from the rollups whatever the range; p50/p95 sort every duration in it.
      const percentilesOmitted = percentileRangeProblem({ from, to }) ?? null;
      const bots = await connection.read((db) =>
        getBotMetrics(db, { botId, from, to }, { percentiles: percentilesOmitted === null }),
      );
      return c.json({ bots, percentilesOmitted });
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
      const points = await connection.read((db) =>
        getJobTimeSeries(db, { bucket, from, to, botId }),
      );
      return c.json({ bucket, from: from.toISOString(), to: to.toISOString(), points });
    });
}
