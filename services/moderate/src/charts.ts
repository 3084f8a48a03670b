const NS = 'http://www.w3.org/2000/svg';

/** An SVG element; text is set as text nodes only. */
function s(tag: string, attrs: Record<string, string | number> = {}, ...children: (Node | string)[]): SVGElement {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

/** One series of a stacked chart: its label and the CSS class that colours it. */
export interface Series {
  key: string;
  label: string;
  className: string;
}

/**
 * Columns stacked by series (e.g. a day's comments by status), with the scale's top and the first
 * and last labels written out. Colours come from the stylesheet (the page's CSP allows no inline
 * style). The picture is labelled for assistive technology; the exact figures are in the table the
 * caller puts beside it.
 */
export function stackedColumns(
  title: string,
  rows: { label: string; values: Record<string, number> }[],
  series: Series[],
): SVGElement {
  const width = 640;
  const height = 180;
  const top = 16;
  const bottom = 22;
  const plot = height - top - bottom;
  const totals = rows.map((r) => series.reduce((sum, x) => sum + (r.values[x.key] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const step = width / Math.max(1, rows.length);
  const bar = Math.max(2, step * 0.7);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart', 'aria-label': title });
  svg.append(s('title', {}, title));
  svg.append(s('text', { x: 0, y: 11, class: 'chart-axis' }, `${max}`));
  svg.append(s('line', { x1: 0, x2: width, y1: top, y2: top, class: 'chart-grid' }));
  rows.forEach((r, i) => {
    let y = top + plot;
    for (const x of series) {
      const v = r.values[x.key] ?? 0;
      if (v <= 0) continue;
      const hgt = (v / max) * plot;
      y -= hgt;
      svg.append(
        s(
          'rect',
          { x: i * step + (step - bar) / 2, y, width: bar, height: hgt, class: x.className },
          s('title', {}, `${r.label}: ${v} ${x.label}`),
        ),
      );
    }
  });
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (first) svg.append(s('text', { x: 0, y: height - 6, class: 'chart-axis' }, first.label));
  if (last && last !== first)
    svg.append(s('text', { x: width, y: height - 6, class: 'chart-axis', 'text-anchor': 'end' }, last.label));
  return svg;
}

/** Horizontal bars, one per row, each labelled with its name and value. */
export function bars(title: string, rows: { label: string; value: number }[], className = 'bar'): SVGElement {
  const width = 640;
  const row = 22;
  const labelWidth = 220;
  const height = Math.max(row, rows.length * row);
  const max = Math.max(1, ...rows.map((r) => r.value));
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart', 'aria-label': title });
  svg.append(s('title', {}, title));
  rows.forEach((r, i) => {
    const y = i * row;
    const w = ((width - labelWidth - 60) * r.value) / max;
    svg.append(s('text', { x: 0, y: y + 15, class: 'chart-label' }, r.label.slice(0, 32)));
    svg.append(s('rect', { x: labelWidth, y: y + 4, width: Math.max(1, w), height: row - 8, class: className }));
    svg.append(s('text', { x: labelWidth + w + 6, y: y + 15, class: 'chart-label' }, String(r.value)));
  });
  return svg;
}
