/**
 * A JSON object as a person reads it: a flat object as labelled fields, anything nested as
 * indented JSON beneath its key.
 */
export function JsonView({ value, emptyLabel }: { value: unknown; emptyLabel: string }) {
  if (value === null || value === undefined) return <p className="muted">{emptyLabel}</p>;
  if (typeof value !== "object" || Array.isArray(value)) {
    return <pre className="json">{JSON.stringify(value, null, 2)}</pre>;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return <p className="muted">{emptyLabel}</p>;
  return (
    <dl className="fields json-fields">
      {entries.map(([key, item]) => (
        <div key={key} className="field">
          <dt>{key}</dt>
          <dd>
            {typeof item === "object" && item !== null ? (
              <pre className="json">{JSON.stringify(item, null, 2)}</pre>
            ) : (
              String(item)
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}
