import { Link, useParams } from "react-router";
import type { JobResponse } from "../../shared/api-types.ts";
import { queryString, useApi } from "../api/use-api.ts";
import { StageTimelineChart, timelineOrigin } from "../charts/stage-timeline-chart.tsx";
import { JsonView } from "../components/json-view.tsx";
import { Card, PageHeader } from "../components/layout.tsx";
import { ErrorState, Loading, NotFound } from "../components/page-states.tsx";
import { StageStatusBadge, StateBadge } from "../components/state-badge.tsx";
import { rangeEndingOn } from "../date-range.ts";
import { formatCount, formatMilliseconds, formatTimestamp, plural } from "../display-format.ts";

export default function JobPage() {
  const { jobId = "" } = useParams();
  // A running job's page shows its stages as they are recorded; a finished job no longer changes.
  const loaded = useApi<JobResponse>(`/api/jobs/${encodeURIComponent(jobId)}`, {
    changing: ({ job }) => job.state === "queued" || job.state === "running",
  });
  if (loaded.status === "loading") return <Loading label="Loading job…" />;
  if (loaded.status === "failed") {
    if (loaded.error.kind === "not_found" || loaded.error.kind === "validation") {
      return <NotFound title="Job not found" detail={loaded.error.message} />;
    }
    return <ErrorState error={loaded.error} />;
  }
  const { job } = loaded.data;
  const origin = timelineOrigin(job, job.stages);
  return (
    <>
      <Link className="back" to={`/jobs${queryString({ bot: job.botId })}`}>
        ← {job.botId} jobs
      </Link>
      <PageHeader
        title={
          <span className="job-title">
            Job <span className="mono">{job.jobId}</span>
          </span>
        }
        actions={<StateBadge state={job.state} />}
      />
      {job.errorMessage !== null && (
        <div className="callout callout-error" data-testid="job-error">
          <strong>Error</strong> {job.errorMessage}
        </div>
      )}
      <div className="grid grid-wide">
        <Card title="Job">
          <dl className="fields" data-testid="job-fields">
            <Field label="Bot">
              <Link to={`/jobs${queryString({ bot: job.botId })}`}>{job.botId}</Link>
            </Field>
            <Field label="State">{job.state}</Field>
            <Field label="Accepted">{formatTimestamp(job.acceptedAt)}</Field>
            <Field label="Started">{formatTimestamp(job.startedAt)}</Field>
            <Field label="Finished">{formatTimestamp(job.finishedAt)}</Field>
            <Field label="Duration">{formatMilliseconds(job.durationMs)}</Field>
            <Field label="Stages">{formatCount(job.stages.length)}</Field>
          </dl>
        </Card>
        <Card title="Created by">
          {job.createdBy === null ? (
            <p className="muted">Not recorded</p>
          ) : (
            <dl className="fields" data-testid="created-by">
              <Field label="Name">{job.createdBy.name}</Field>
              <Field label="Role">{job.createdBy.role}</Field>
              <Field label="At">{formatTimestamp(job.createdBy.at)}</Field>
            </dl>
          )}
        </Card>
        <Card title="Parameters (meta)">
          <div data-testid="job-meta">
            <JsonView value={job.meta} emptyLabel="No parameters" />
          </div>
        </Card>
        <Card title="Result">
          <div data-testid="job-result">
            <JsonView value={job.result} emptyLabel="No result" />
          </div>
        </Card>
      </div>
      <Card
        title="Stages"
        aside={
          <span className="muted" data-testid="stage-count">
            {plural(job.stages.length, "stage")}, time from the job's start
          </span>
        }
      >
        {job.stages.length === 0 ? (
          <p className="muted">This job recorded no stage.</p>
        ) : (
          <>
            <StageTimelineChart stages={job.stages} origin={origin} />
            <div className="table-scroll">
              <table className="table table-stages" data-testid="job-stages">
                <thead>
                  <tr>
                    <th>Stage</th>
                    <th>Status</th>
                    <th className="num">Starts at</th>
                    <th className="num">Duration</th>
                    <th>Error</th>
                  </tr>
                </thead>
                <tbody>
                  {job.stages.map((stage) => (
                    <tr
                      key={stage.id}
                      className={stage.status === "fail" ? "row-failed" : undefined}
                    >
                      <td className="cell-stage">
                        <Link
                          to={`/stages${queryString({ name: stage.stageName, ...rangeEndingOn(new Date(job.acceptedAt)) })}`}
                        >
                          {stage.stageName}
                        </Link>
                      </td>
                      <td className="cell-status">
                        <StageStatusBadge status={stage.status} />
                      </td>
                      <td className="num cell-starts">
                        +{formatMilliseconds(new Date(stage.startedAt).getTime() - origin)}
                      </td>
                      <td className="num cell-duration">{formatMilliseconds(stage.durationMs)}</td>
                      <td className="stage-error">
                        {stage.error === null ? "" : <JsonView value={stage.error} emptyLabel="" />}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Card>
    </>
  );
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="field">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
