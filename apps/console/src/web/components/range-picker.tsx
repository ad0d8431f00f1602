import {
  addDays,
  type DayRange,
  MAX_RANGE_DAYS,
  presetOf,
  presetRange,
  RANGE_PRESETS,
} from "../date-range.ts";

/** Presets ending today, or any two days; both ends are included. */
export function RangePicker({
  range,
  today,
  onChange,
}: {
  range: DayRange;
  today: Date;
  onChange: (range: DayRange) => void;
}) {
  const active = presetOf(range, today);
  return (
    <div className="range-picker">
      <fieldset className="segmented">
        <legend className="visually-hidden">Range</legend>
        {RANGE_PRESETS.map((days) => (
          <button
            key={days}
            type="button"
            className={active === days ? "active" : undefined}
            aria-pressed={active === days}
            onClick={() => onChange(presetRange(days, today))}
          >
            {days} days
          </button>
        ))}
      </fieldset>
      <div className="date-inputs">
        <label>
          <span className="visually-hidden">From</span>
          <input
            type="date"
            name="from"
            value={range.from}
            max={range.to}
            min={addDays(range.to, 1 - MAX_RANGE_DAYS)}
            onChange={(event) => {
              if (event.target.value !== "") onChange({ ...range, from: event.target.value });
            }}
          />
        </label>
        <span aria-hidden="true">→</span>
        <label>
          <span className="visually-hidden">To</span>
          <input
            type="date"
            name="to"
            value={range.to}
            min={range.from}
            max={addDays(range.from, MAX_RANGE_DAYS - 1)}
            onChange={(event) => {
              if (event.target.value !== "") onChange({ ...range, to: event.target.value });
            }}
          />
        </label>
      </div>
    </div>
  );
}
