import type { ReactNode } from "react";
import { useSearchParams } from "react-router";
import type { JobSpanResponse } from "../../shared/api-types.ts";
import type { ApiError } from "../api/fetch-json.ts";
import { queryString, useApi } from "../api/use-api.ts";
import { type DayRange, defaultRange, rangeInSearch } from "../date-range.ts";
import { formatDay } from "../display-format.ts";
import { BotSelect } from "./bot-select.tsx";
import { PageHeader } from "./layout.tsx";
import { ErrorState, Loading } from "./page-states.tsx";
import { RangePicker } from "./range-picker.tsx";

export interface ReadyRange {
  status: "ready";
  range: DayRange;
  spanOfData: boolean;
  /** The database holds no job at all (of this bot): an empty page says so, not "this range". */
  noJobsAtAll: boolean;
  /** The day presets end on. */
  today: Date;
}

export type PageRange = { status: "loading" } | { status: "failed"; error: ApiError } | ReadyRange;

/**
 * The days a page shows: the URL's `from` and `to`, else the default (the last 30 days, or the
 * span of the data when those are empty; `defaultRange`), which needs the span of the history.
 */
export function usePageRange(botId: string | undefined, today: Date): PageRange {
  const [search] = useSearchParams();
  const inUrl = rangeInSearch(search);
  const span = useApi<JobSpanResponse>(`/api/jobs/span${queryString({ bot: botId })}`);
  const noJobsAtAll = span.status === "ready" && span.data.last === null;
  if (inUrl !== undefined) {
    return { status: "ready", range: inUrl, spanOfData: false, noJobsAtAll, today };
  }
  if (span.status !== "ready") return span;
  return { status: "ready", ...defaultRange(span.data, today), noJobsAtAll, today };
}

/**
 * A page over a range of days: its title while the default range is worked out (or why it could
 * not be), then `children` with the range.
 */
export function RangedPage({
  title,
  botId,
  loadingLabel,
  children,
}: {
  title: string;
  botId: string | undefined;
  loadingLabel: string;
  children: (range: ReadyRange) => ReactNode;
}) {
  const pageRange = usePageRange(botId, new Date());
  if (pageRange.status === "ready") return children(pageRange);
  return (
    <>
      <PageHeader title={title} />
      {pageRange.status === "failed" ? (
        <ErrorState error={pageRange.error} />
      ) : (
        <Loading label={loadingLabel} />
      )}
    </>
  );
}

/** Puts a chosen range in the URL, keeping the page's other parameters but its paging. */
export function useChooseRange(): (range: DayRange) => void {
  const [search, setSearch] = useSearchParams();
  return (range) => {
    const next = new URLSearchParams(search);
    next.set("from", range.from);
    next.set("to", range.to);
    next.delete("pages");
    setSearch(next);
  };
}

/** Sets one filter of the URL (`bot`, `state`), or clears it when empty, from the first page. */
export function useChooseFilter(): (name: string, value: string | undefined) => void {
  const [search, setSearch] = useSearchParams();
  return (name, value) => {
    const next = new URLSearchParams(search);
    if (value === undefined || value === "") next.delete(name);
    else next.set(name, value);
    next.delete("pages");
    setSearch(next);
  };
}

/** "2 Mar to 5 Mar 2026" */
export const rangeLabel = (range: DayRange): string =>
  `${formatDay(range.from)} to ${formatDay(range.to)} ${range.to.slice(0, 4)}`;

/** Said when the page opened on the span of the data because the last 30 days were empty. */
export function SpanOfDataNote({ range }: { range: DayRange }) {
  return (
    <p className="callout callout-info" data-testid="span-of-data">
      No jobs in the last 30 days: showing the span of the recorded jobs, {rangeLabel(range)}.
    </p>
  );
}

/**
 * The header of a page over a range of days: title, subtitle, the bot filter on pages that have
 * one (`bot`: the bot the URL chose, or undefined for all), the range picker, and the note when
 * the page opened on the span of the data. Both controls write the URL, from the first page.
 */
export function RangedPageHeader({
  title,
  subtitle,
  pageRange,
  bot,
}: {
  title: string;
  subtitle: string;
  pageRange: ReadyRange;
  bot?: { selected: string | undefined };
}) {
  const { range, spanOfData, today } = pageRange;
  const chooseRange = useChooseRange();
  const chooseFilter = useChooseFilter();
  const picker = <RangePicker range={range} today={today} onChange={chooseRange} />;
  return (
    <>
      <PageHeader
        title={title}
        subtitle={subtitle}
        actions={
          bot === undefined ? (
            picker
          ) : (
            <div className="filters">
              <BotSelect value={bot.selected} onChange={(value) => chooseFilter("bot", value)} />
              {picker}
            </div>
          )
        }
      />
      {spanOfData && <SpanOfDataNote range={range} />}
    </>
  );
}
