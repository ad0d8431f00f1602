import type { JobState } from "@forusbots/db/schema";
import { Link } from "react-router";
import type { BotsResponse, TimeSeriesResponse } from "../../shared/api-types.ts";
import { queryString, useApi } from "../api/use-api.ts";
import { type DayCounts, JobsPerDayChart } from "../charts/jobs-per-day-chart.tsx";
import { SuccessRateChart } from "../charts/success-rate-chart.tsx";
import { Card } from "../components/layout.tsx";
import {
  RangedPage,
  RangedPageHeader,
  type ReadyRange,
  rangeLabel,
} from "../components/page-range.tsx";
import { EmptyState, ErrorState, Loading } from "../components/page-states.tsx";
import { apiRange, type DayRange, daysOf } from "../date-range.ts";
import { formatCount, formatPercent, formatSeconds, plural } from "../display-format.ts";

const zeroCounts = (day: string): DayCounts => ({
  day,
  queued: 0,
  running: 0,
  succeeded: 0,
  failed: 0,
  canceled: 0,
});

/** Each bot's days across the whole range, zero where it accepted nothing. */
function countsByBot(series: TimeSeriesResponse, range: DayRange): Map<string, DayCounts[]> {
  const days = daysOf(range);
  const byBot = new Map<string, Map<string, DayCounts>>();
  for (const point of series.points) {
    let botDays = byBot.get(point.botId);
    if (botDays === undefined) {
      botDays = new Map(days.map((day) => [day, zeroCounts(day)]));
      byBot.set(point.botId, botDays);
    }
    const day = new Date(point.bucketStart).toISOString().slice(0, 10);
    const counts = botDays.get(day);
    const state: JobState = point.state;
    if (counts !== undefined) counts[state] += point.jobs;
  }
  return new Map([...byBot].map(([botId, botDays]) => [botId, [...botDays.values()]]));
}

export default function BotsPage() {
  return (
    <RangedPage title="Bots" botId={undefined} loadingLabel="Loading bot metrics…">
      {(pageRange) => <BotsInRange pageRange={pageRange} />}
    </RangedPage>
  );
}

function BotsInRange({ pageRange }: { pageRange: ReadyRange }) {
  const { range } = pageRange;
  const params = queryString(apiRange(range));
  const metrics = useApi<BotsResponse>(`/api/bots${params}`);
  const series = useApi<TimeSeriesResponse>(`/api/bots/time-series${params}&bucket=day`);

  const header = (
    <>
      <RangedPageHeader
        title="Bots"
        subtitle={`Jobs accepted from ${rangeLabel(range)}`}
        pageRange={pageRange}
      />
    </>
  );
  if (metrics.status === "failed")
    return (
      <>
        {header}
        <ErrorState error={metrics.error} />
      </>
    );
  if (series.status === "failed")
    return (
      <>
        {header}
        <ErrorState error={series.error} />
      </>
    );
  if (metrics.status === "loading" || series.status === "loading") {
    return (
      <>
        {header}
        <Loading label="Loading bot metrics…" />
      </>
    );
  }
  const { bots } = metrics.data;
  if (bots.length === 0) {
    return (
      <>
        {header}
        <EmptyState title="No jobs in this range">
          No bot had a job accepted between these days. Choose a wider range, or record some jobs
          first (<code>pnpm cli seed</code> fills the database with sample data).
        </EmptyState>
      </>
    );
  }
  const perDay = countsByBot(series.data, range);
  return (
    <>
      {header}
      <Card title="Metrics" aside={<span className="muted">{plural(bots.length, "bot")}</span>}>
        <div className="table-scroll table-pinned">
          <table className="table" data-testid="bot-metrics">
            <thead>
              <tr>
                <th>Bot</th>
                <th className="num">Jobs</th>
                <th className="num">Succeeded</th>
                <th className="num">Failed</th>
                <th className="num">Success rate</th>
                <th className="num">Avg duration</th>
                <th className="num">p95 duration</th>
              </tr>
            </thead>
            <tbody>
              {bots.map((bot) => (
                <tr key={bot.botId} data-bot={bot.botId}>
                  <td>
                    <Link className="strong-link" to={`/jobs${queryString({ bot: bot.botId })}`}>
                      {bot.botId}
                    </Link>
                  </td>
                  <td className="num">{formatCount(bot.totalJobs)}</td>
                  <td className="num">{formatCount(bot.succeededJobs)}</td>
                  <td className="num">{formatCount(bot.failedJobs)}</td>
                  <td className="num">{formatPercent(bot.successRate)}</td>
                  <td className="num">{formatSeconds(bot.avgDurationSeconds)}</td>
                  <td className="num">{formatSeconds(bot.p95DurationSeconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      <Card
        title="Success rate"
        aside={<span className="muted">succeeded ÷ (succeeded + failed)</span>}
      >
        <SuccessRateChart bots={bots} />
      </Card>
      <h2 className="section-title">Jobs per day</h2>
      <div className="grid">
        {bots.map((bot) => (
          <Card
            key={bot.botId}
            title={bot.botId}
            aside={<span className="muted">{plural(bot.totalJobs, "job")}</span>}
          >
            <JobsPerDayChart
              botId={bot.botId}
              days={perDay.get(bot.botId) ?? daysOf(range).map(zeroCounts)}
            />
          </Card>
        ))}
      </div>
    </>
  );
}
