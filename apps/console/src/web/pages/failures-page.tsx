import { Link, useSearchParams } from "react-router";
import type { FailuresResponse, JobsResponse } from "../../shared/api-types.ts";
import type { ApiError } from "../api/fetch-json.ts";
import { queryString, useApi } from "../api/use-api.ts";
import { JobsTable } from "../components/jobs-table.tsx";
import { Card } from "../components/layout.tsx";
import {
  RangedPage,
  RangedPageHeader,
  type ReadyRange,
  rangeLabel,
} from "../components/page-range.tsx";
import { EmptyState, ErrorState, Loading } from "../components/page-states.tsx";
import { apiRange } from "../date-range.ts";
import { formatTimestamp, plural, shortId } from "../display-format.ts";

/** The newest failed jobs listed under the groups; the jobs page pages further. */
const NEWEST_FAILED_JOBS = 25;

export default function FailuresPage() {
  const [search] = useSearchParams();
  const botId = search.get("bot") ?? undefined;
  return (
    <RangedPage title="Failures" botId={botId} loadingLabel="Loading failures…">
      {(pageRange) => <FailuresInRange pageRange={pageRange} botId={botId} />}
    </RangedPage>
  );
}

function FailuresInRange({
  pageRange,
  botId,
}: {
  pageRange: ReadyRange;
  botId: string | undefined;
}) {
  const { range } = pageRange;
  const filter = { bot: botId, ...apiRange(range) };
  const groups = useApi<FailuresResponse>(`/api/failures${queryString(filter)}`);
  const failedJobs = useApi<JobsResponse>(
    `/api/jobs${queryString({ ...filter, state: "failed", limit: String(NEWEST_FAILED_JOBS) })}`,
  );
  const header = (
    <>
      <RangedPageHeader
        title="Failures"
        subtitle={`Failed jobs accepted from ${rangeLabel(range)}, grouped by error`}
        pageRange={pageRange}
        bot={{ selected: botId }}
      />
    </>
  );
  const errorPage = (error: ApiError) => (
    <>
      {header}
      <ErrorState error={error} />
    </>
  );
  if (groups.status === "failed") return errorPage(groups.error);
  if (failedJobs.status === "failed") return errorPage(failedJobs.error);
  if (groups.status === "loading" || failedJobs.status === "loading") {
    return (
      <>
        {header}
        <Loading label="Loading failures…" />
      </>
    );
  }
  const { totalFailures, omittedGroups } = groups.data;
  if (totalFailures === 0) {
    return (
      <>
        {header}
        <EmptyState title="No failures in this range">
          No job accepted between these days failed. Choose a wider range to look further back.
        </EmptyState>
      </>
    );
  }
  return (
    <>
      {header}
      <Card
        title="By error"
        aside={
          <span className="muted" data-testid="failure-total">
            {plural(totalFailures, "failed job")} in{" "}
            {plural(groups.data.groups.length + omittedGroups, "group")}
          </span>
        }
      >
        <ul className="failure-groups" data-testid="failure-groups">
          {groups.data.groups.map((group) => (
            <li key={group.signature} className="failure-group" data-signature={group.signature}>
              <div className="failure-group-head">
                <span className="failure-count" data-testid="failure-count">
                  {plural(group.failures, "failure")}
                </span>
                <code className="failure-signature">{group.signature}</code>
              </div>
              <dl className="failure-facts">
                <div>
                  <dt>First seen</dt>
                  <dd data-testid="first-seen">{formatTimestamp(group.firstSeen)}</dd>
                </div>
                <div>
                  <dt>Last seen</dt>
                  <dd data-testid="last-seen">{formatTimestamp(group.lastSeen)}</dd>
                </div>
                <div>
                  <dt>{group.botIds.length === 1 ? "Bot" : "Bots"}</dt>
                  <dd data-testid="failure-bots">
                    {group.botIds.map((bot, index) => (
                      <span key={bot}>
                        {index > 0 && ", "}
                        <Link to={`/failures${queryString({ ...filter, ...range, bot })}`}>
                          {bot}
                        </Link>
                      </span>
                    ))}
                  </dd>
                </div>
                <div>
                  <dt>Latest</dt>
                  <dd>
                    <Link className="mono" to={`/jobs/${group.latestJobId}`}>
                      {shortId(group.latestJobId)}
                    </Link>
                  </dd>
                </div>
              </dl>
            </li>
          ))}
        </ul>
        {omittedGroups > 0 && (
          <p className="muted">
            {plural(omittedGroups, "rarer group")} not shown: narrow the range or choose a bot.
          </p>
        )}
      </Card>
      <Card
        title="Newest failed jobs"
        aside={
          <Link to={`/jobs${queryString({ bot: botId, ...range, state: "failed" })}`}>
            All failed jobs
          </Link>
        }
      >
        <div className="table-scroll">
          <JobsTable jobs={failedJobs.data.jobs} />
        </div>
      </Card>
    </>
  );
}
