import {
  Bar,
  BarChart,
  CartesianGrid,
  Rectangle,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { JobStageJson } from "../../shared/api-types.ts";
import { formatAxisMilliseconds, formatMilliseconds } from "../display-format.ts";
import { STAGE_STATUS_COLORS, STAGE_STATUS_LABELS } from "../job-states.ts";

interface TimelineRow {
  label: string;
  /** [start, end] in milliseconds since the first stage (or the job) started. */
  span: [number, number];
  failed: boolean;
  status: JobStageJson["status"];
  open: boolean;
}

const ROW_HEIGHT = 38;

/**
 * Where the time axis starts: when the job started, or its first stage if that is earlier (a
 * stage recorded before job.started), so that no bar starts left of zero.
 */
export function timelineOrigin(
  job: { startedAt: string | null; acceptedAt: string },
  stages: JobStageJson[],
): number {
  const jobStart = new Date(job.startedAt ?? job.acceptedAt).getTime();
  return Math.min(jobStart, ...stages.map((stage) => new Date(stage.startedAt).getTime()));
}

function timelineRows(stages: JobStageJson[], origin: number): TimelineRow[] {
  return stages.map((stage, index) => {
    const start = new Date(stage.startedAt).getTime() - origin;
    const end = stage.endedAt === null ? start : new Date(stage.endedAt).getTime() - origin;
    return {
      label: `${index + 1}. ${stage.stageName}`,
      span: [start, end],
      failed: stage.status === "fail",
      status: stage.status,
      open: stage.endedAt === null,
    };
  });
}

/**
 * The stages as bars on a time axis; failed ones in red. `origin` is the instant the axis starts
 * at (see `timelineOrigin`), in milliseconds.
 */
export function StageTimelineChart({ stages, origin }: { stages: JobStageJson[]; origin: number }) {
  const rows = timelineRows(stages, origin);
  return (
    <div className="chart" data-testid="stage-timeline">
      <ResponsiveContainer width="100%" height={rows.length * ROW_HEIGHT + 48}>
        <BarChart
          data={rows}
          layout="vertical"
          margin={{ top: 4, right: 24, bottom: 4, left: 8 }}
          barCategoryGap={6}
        >
          <CartesianGrid horizontal={false} stroke="#e5e7eb" />
          <XAxis
            type="number"
            domain={[0, "dataMax"]}
            tickFormatter={(value: number) => `+${formatAxisMilliseconds(value)}`}
            stroke="#6b7280"
            fontSize={11}
          />
          <YAxis type="category" dataKey="label" width={130} stroke="#6b7280" fontSize={12} />
          <Tooltip
            cursor={{ fill: "#f3f4f6" }}
            formatter={(value, _name, item) => {
              const row = item.payload as TimelineRow;
              const [start, end] = Array.isArray(value) ? value.map(Number) : [0, 0];
              return [
                `${STAGE_STATUS_LABELS[row.status]}, ${row.open ? "not ended" : formatMilliseconds((end ?? 0) - (start ?? 0))} from +${formatMilliseconds(start ?? 0)}`,
                "stage",
              ];
            }}
          />
          <Bar
            dataKey="span"
            isAnimationActive={false}
            minPointSize={3}
            shape={(props) => {
              const row = props.payload as TimelineRow;
              return (
                <Rectangle
                  {...props}
                  radius={3}
                  fill={STAGE_STATUS_COLORS[row.status]}
                  className={row.failed ? "timeline-bar timeline-bar-failed" : "timeline-bar"}
                />
              );
            }}
          />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
