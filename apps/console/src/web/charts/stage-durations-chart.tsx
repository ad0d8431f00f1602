import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { StageSummaryJson } from "../../shared/api-types.ts";
import { formatAxisMilliseconds, formatMilliseconds } from "../display-format.ts";

const SERIES = [
  { key: "avgDurationMs", label: "average", color: "#a5b4fc" },
  { key: "p50DurationMs", label: "p50", color: "#6366f1" },
  { key: "p95DurationMs", label: "p95", color: "#312e81" },
] as const;

/** Average, median and p95 duration side by side for each stage name. */
export function StageDurationsChart({ stages }: { stages: StageSummaryJson[] }) {
  return (
    <div className="chart" data-testid="stage-durations-chart">
      <ResponsiveContainer width="100%" height={280}>
        <BarChart data={stages} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid vertical={false} stroke="#e5e7eb" />
          <XAxis dataKey="stageName" stroke="#6b7280" fontSize={12} interval={0} />
          <YAxis stroke="#6b7280" fontSize={11} width={64} tickFormatter={formatAxisMilliseconds} />
          <Tooltip
            cursor={{ fill: "#f3f4f6" }}
            formatter={(value, name) => [
              formatMilliseconds(typeof value === "number" ? value : null),
              name,
            ]}
          />
          <Legend
            iconType="circle"
            iconSize={8}
            wrapperStyle={{ fontSize: 12 }}
            itemSorter={null}
          />
          {SERIES.map((series) => (
            <Bar
              key={series.key}
              dataKey={series.key}
              name={series.label}
              fill={series.color}
              radius={[3, 3, 0, 0]}
              isAnimationActive={false}
              maxBarSize={36}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
