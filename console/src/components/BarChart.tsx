/** Activations over time: one bar per bucket, drawn as SVG (no chart library to ship). */
export function BarChart({ buckets, label, format }: { buckets: readonly { start: number; count: number }[]; label: string; format: (start: number) => string }) {
  const width = 640;
  const height = 180;
  const pad = { left: 36, bottom: 22, top: 8 };
  const max = Math.max(1, ...buckets.map((bucket) => bucket.count));
  const slot = (width - pad.left) / Math.max(1, buckets.length);
  const plot = height - pad.bottom - pad.top;
  const total = buckets.reduce((sum, bucket) => sum + bucket.count, 0);
  const labelEvery = Math.ceil(buckets.length / 8);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${label}: ${total} in ${buckets.length} periods, at most ${max} in one`}>
        <line x1={pad.left} x2={width} y1={height - pad.bottom} y2={height - pad.bottom} className="axis" />
        <text x={pad.left - 6} y={pad.top + 10} textAnchor="end" className="tick">
          {max}
        </text>
        <text x={pad.left - 6} y={height - pad.bottom} textAnchor="end" className="tick">
          0
        </text>
        {buckets.map((bucket, i) => {
          const barHeight = (bucket.count / max) * plot;
          const x = pad.left + i * slot;
          return (
            <g key={bucket.start}>
              <rect x={x + slot * 0.15} width={slot * 0.7} y={height - pad.bottom - barHeight} height={barHeight} className="bar">
                <title>
                  {format(bucket.start)}: {bucket.count}
                </title>
              </rect>
              {i % labelEvery === 0 && (
                <text x={x + slot / 2} y={height - 6} textAnchor="middle" className="tick">
                  {format(bucket.start)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption>
        {label}: {total.toLocaleString()} in the period
      </figcaption>
    </figure>
  );
}
