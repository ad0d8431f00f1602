import {
  Bar,
  BarChart,
  CartesianGrid,
  LabelList,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { BotMetricsJson } from "../../shared/api-types.ts";
import { formatPercent } from "../display-format.ts";

const ROW_HEIGHT = 44;

/** Success rate per bot as horizontal bars; bots with no finished job have no bar. */
export function SuccessRateChart({ bots }: { bots: BotMetricsJson[] }) {
  const data = bots.map((bot) => ({ botId: bot.botId, successRate: bot.successRate }));
  return (
    <div className="chart" data-testid="success-rate-chart">
      <ResponsiveContainer width="100%" height={Math.max(160, data.length * ROW_HEIGHT + 40)}>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 56, bottom: 4, left: 8 }}>
          <CartesianGrid horizontal={false} stroke="#e5e7eb" />
          <XAxis
            type="number"
            domain={[0, 100]}
            ticks={[0, 25, 50, 75, 100]}
            tickFormatter={(value: number) => `${value}%`}
            stroke="#6b7280"
            fontSize={12}
          />
          <YAxis type="category" dataKey="botId" width={120} stroke="#6b7280" fontSize={12} />
          <Tooltip
            cursor={{ fill: "#eef2ff" }}
            formatter={(value) => [
              formatPercent(typeof value === "number" ? value : null),
              "success rate",
            ]}
          />
          <Bar
            dataKey="successRate"
            fill="#4f46e5"
            radius={[0, 4, 4, 0]}
            isAnimationActive={false}
            barSize={22}
          >
            <LabelList
              dataKey="successRate"
              position="right"
              fontSize={12}
              fill="#374151"
              formatter={(value) => formatPercent(typeof value === "number" ? value : null)}
            />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
