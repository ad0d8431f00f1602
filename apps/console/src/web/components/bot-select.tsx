import type { BotsResponse } from "../../shared/api-types.ts";
import { useApi } from "../api/use-api.ts";

/** Every bot that has a job, plus the chosen one even if it has none (a hand-typed URL). */
export function BotSelect({
  value,
  onChange,
}: {
  value: string | undefined;
  onChange: (botId: string) => void;
}) {
  const bots = useApi<BotsResponse>("/api/bots");
  const options = bots.status === "ready" ? bots.data.bots.map((bot) => bot.botId) : [];
  if (value !== undefined && !options.includes(value)) options.push(value);
  return (
    <label className="select">
      <span>Bot</span>
      <select name="bot" value={value ?? ""} onChange={(event) => onChange(event.target.value)}>
        <option value="">All bots</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </label>
  );
}
