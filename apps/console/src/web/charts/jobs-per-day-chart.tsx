import type { JobState } from "@forusbots/db/schema";
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
import { formatDay } from "../display-format.ts";
import { JOB_STATE_COLORS, JOB_STATE_ORDER } from "../job-states.ts";

export type DayCounts = { day: string } & Record<JobState, number>;

/** One bot's jobs per day, stacked by state, with every day of the range on the axis. */
export function JobsPerDayChart({ botId, days }: { botId: string; days: DayCounts[] }) {
  const total = days.reduce(
    (sum, day) => sum + JOB_STATE_ORDER.reduce((daySum, state) => daySum + day[state], 0),
    0,
  );
  return (
    <figure
      className="chart"
      data-testid={`jobs-per-day-${botId}`}
      aria-label={`Jobs per day for ${botId}`}
    >
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={days} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid vertical={false} stroke="#e5e7eb" />
          <XAxis
            dataKey="day"
            tickFormatter={formatDay}
            stroke="#6b7280"
            fontSize={11}
            minTickGap={16}
          />
          <YAxis allowDecimals={false} stroke="#6b7280" fontSize={11} />
          <Tooltip labelFormatter={(day) => formatDay(String(day))} cursor={{ fill: "#f3f4f6" }} />
          {/* In the stacking order (a job's life), not alphabetical. */}
          <Legend
            iconType="circle"
            iconSize={8}
            wrapperStyle={{ fontSize: 12 }}
            itemSorter={null}
          />
          {JOB_STATE_ORDER.map((state) => (
            <Bar
              key={state}
              dataKey={state}
              stackId="jobs"
              fill={JOB_STATE_COLORS[state]}
              isAnimationActive={false}
              maxBarSize={28}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
      {/* The figures behind the bars, for screen readers. Hidden by its wrapper: a table grows
          to fit its cells whatever width it is given. */}
      <div className="visually-hidden">
        <table data-testid={`jobs-per-day-table-${botId}`}>
          <caption>
            {total} jobs accepted by {botId}
          </caption>
          <thead>
            <tr>
              <th>day</th>
              {JOB_STATE_ORDER.map((state) => (
                <th key={state}>{state}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {days
              .filter((day) => JOB_STATE_ORDER.some((state) => day[state] > 0))
              .map((day) => (
                <tr key={day.day}>
                  <td>{day.day}</td>
                  {JOB_STATE_ORDER.map((state) => (
                    <td key={state}>{day[state]}</td>
                  ))}
                </tr>
              ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
