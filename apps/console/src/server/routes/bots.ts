import { getBotMetrics, getJobTimeSeries } from "@forusbots/queries";
import { Hono } from "hono";
import type { DatabaseConnection } from "../database-connection.ts";
import {
  bucketOf,
  checkRange,
  optionalInstant,
  optionalText,
  ParameterError,
  requiredInstant,
} from "../request-params.ts";

/** Longest range a chart may ask for, so one request cannot make the server count for minutes. */
const MAX_BUCKETS = { day: 400, hour: 24 * 31 } as const;
const BUCKET_MS = { day: 86_400_000, hour: 3_600_000 } as const;

export function botRoutes(connection: DatabaseConnection): Hono {
  return new Hono()
    .get("/", async (c) => {
      const query = (name: string) => c.req.query(name);
      const from = optionalInstant(query, "from");
      const to = optionalInstant(query, "to");
      checkRange(from, to);
      const botId = optionalText(query, "bot");
      const bots = await getBotMetrics(await connection.db(), { botId, from, to });
      return c.json({ bots });
    })
    .get("/time-series", async (c) => {
      const query = (name: string) => c.req.query(name);
      const bucket = bucketOf(query, "bucket");
      const from = requiredInstant(query, "from");
      const to = requiredInstant(query, "to");
      checkRange(from, to);
      if ((to.getTime() - from.getTime()) / BUCKET_MS[bucket] > MAX_BUCKETS[bucket]) {
        throw new ParameterError(
          "to",
          `a ${bucket} series spans at most ${MAX_BUCKETS[bucket]} ${bucket}s`,
        );
      }
      const botId = optionalText(query, "bot");
      const points = await getJobTimeSeries(await connection.db(), { bucket, from, to, botId });
      return c.json({ bucket, from: from.toISOString(), to: to.toISOString(), points });
    });
}
