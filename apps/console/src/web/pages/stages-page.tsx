import { Link, useSearchParams } from "react-router";
import type { StagesResponse } from "../../shared/api-types.ts";
import { queryString, useApi } from "../api/use-api.ts";
import { StageDurationsChart } from "../charts/stage-durations-chart.tsx";
import { Card } from "../components/layout.tsx";
import {
  RangedPage,
  RangedPageHeader,
  type ReadyRange,
  rangeLabel,
} from "../components/page-range.tsx";
import { EmptyState, ErrorState, Loading } from "../components/page-states.tsx";
import { apiRange } from "../date-range.ts";
import { formatCount, formatMilliseconds, formatPercent } from "../display-format.ts";

export default function StagesPage() {
  const [search] = useSearchParams();
  const botId = search.get("bot") ?? undefined;
  // Percentiles are computed over a chosen range only (the API's cap): the last 30 days, or the
  // span of the data, unless the URL says otherwise.
  return (
    <RangedPage title="Stages" botId={botId} loadingLabel="Loading stages…">
      {(pageRange) => <StagesInRange pageRange={pageRange} botId={botId} />}
    </RangedPage>
  );
}

function StagesInRange({ pageRange, botId }: { pageRange: ReadyRange; botId: string | undefined }) {
  const { range } = pageRange;
  const [search] = useSearchParams();
  const selected = search.get("name");
  const loaded = useApi<StagesResponse>(
    `/api/stages${queryString({ bot: botId, ...apiRange(range) })}`,
  );
  const days = rangeLabel(range);
  const header = (
    <>
      <RangedPageHeader
        title="Stages"
        subtitle={
          botId === undefined
            ? `Runs of each stage name started from ${days}, all bots`
            : `Runs of each stage name in ${botId}'s jobs, started from ${days}`
        }
        pageRange={pageRange}
        bot={{ selected: botId }}
      />
    </>
  );
  if (loaded.status === "loading")
    return (
      <>
        {header}
        <Loading label="Loading stages…" />
      </>
    );
  if (loaded.status === "failed")
    return (
      <>
        {header}
        <ErrorState error={loaded.error} />
      </>
    );
  const { stages } = loaded.data;
  if (stages.length === 0) {
    return (
      <>
        {header}
        <EmptyState title="No stages in this range">
          No stage started between these days. Choose a wider range, or record some jobs first:{" "}
          <code>pnpm cli seed</code> records sample ones.
        </EmptyState>
      </>
    );
  }
  return (
    <>
      {header}
      <Card title="Durations">
        <StageDurationsChart stages={stages} />
      </Card>
      <Card
        title="Summary"
        aside={
          selected === null ? undefined : (
            <Link to={`/stages${queryString({ bot: botId, from: range.from, to: range.to })}`}>
              Clear selection
            </Link>
          )
        }
      >
        <div className="table-scroll table-pinned">
          <table className="table" data-testid="stage-summary">
            <thead>
              <tr>
                <th>Stage</th>
                <th className="num">Runs</th>
                <th className="num">Failures</th>
                <th className="num">Failure rate</th>
                <th className="num">Average</th>
                <th className="num">p50</th>
                <th className="num">p95</th>
              </tr>
            </thead>
            <tbody>
              {stages.map((stage) => (
                <tr
                  key={stage.stageName}
                  data-stage={stage.stageName}
                  className={stage.stageName === selected ? "row-selected" : undefined}
                  aria-current={stage.stageName === selected ? "true" : undefined}
                >
                  <td>{stage.stageName}</td>
                  <td className="num">{formatCount(stage.totalRuns)}</td>
                  <td className="num">{formatCount(stage.failedRuns)}</td>
                  <td className="num">
                    {formatPercent(
                      stage.totalRuns === 0 ? null : (100 * stage.failedRuns) / stage.totalRuns,
                    )}
                  </td>
                  <td className="num">{formatMilliseconds(stage.avgDurationMs)}</td>
                  <td className="num">{formatMilliseconds(stage.p50DurationMs)}</td>
                  <td className="num">{formatMilliseconds(stage.p95DurationMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
    </>
  );
}
