/**
 * The figure of a sweep's results (`dendrite plot DIR` on a sweep folder): one panel per measure
 * against a parameter, and for two parameters a heatmap of the first measure over both.
 *
 * - One parameter: each measure against it (mean over repeats as a line, every run as a dot).
 * - Two or more: each measure against the second parameter, one line per value of the first
 *   (coloured along viridis; with more than 10 values, dots only); a heatmap of the first measure
 *   over the first two (mean over repeats and over any further parameters, which the figure names).
 * Text parameters (labels, files) are placed at equal spacing in the order they appear.
 * Pure: takes the table, returns SVG text.
 */
import { colormap, esc, fmtTick, fmtValue, niceTicks, paletteColor, px, svgOpen, textWidth, fitText } from './util.ts';

export type SweepCell = number | string | null;

export interface SweepPlotInput {
  title: string;
  parameters: { name: string }[];
  measures: { name: string; unit: string }[];
  /** Column-major table: `data[column][row]`, with `status` among the columns. */
  data: Record<string, SweepCell[]>;
  rows: number;
}

const W = 380, H = 260, M = { l: 62, r: 16, t: 30, b: 44 };

interface Axis {
  /** Position in [0, 1] of a value. */
  at: (v: SweepCell) => number;
  ticks: { u: number; label: string }[];
  label: string;
}

/** Unique values of a column in order of appearance (nulls dropped). */
function levels(col: SweepCell[]): SweepCell[] {
  const seen = new Map<string, SweepCell>();
  for (const v of col) if (v !== null && !seen.has(String(v))) seen.set(String(v), v);
  return [...seen.values()];
}

function axisFor(values: SweepCell[], label: string): Axis {
  const lv = levels(values);
  if (lv.length > 0 && lv.every((v) => typeof v === 'number')) {
    const nums = lv as number[];
    const t = niceTicks(Math.min(...nums), Math.max(...nums), 6);
    return {
      at: (v) => (typeof v === 'number' ? (v - t.lo) / (t.hi - t.lo) : NaN),
      ticks: t.values.map((x) => ({ u: (x - t.lo) / (t.hi - t.lo), label: fmtTick(x, t.decimals) })),
      label,
    };
  }
  const keys = lv.map(String);
  const pos = (v: SweepCell) => (keys.length === 1 ? 0.5 : keys.indexOf(String(v)) / (keys.length - 1));
  return { at: (v) => (v === null ? NaN : pos(v)), ticks: keys.map((k) => ({ u: pos(k), label: k })), label };
}

function frame(x0: number, y0: number, xa: Axis, ya: Axis, title: string): string[] {
  const pw = W - M.l - M.r, ph = H - M.t - M.b;
  const X = (u: number) => x0 + M.l + u * pw, Y = (u: number) => y0 + M.t + (1 - u) * ph;
  const out = [`<text x="${px(x0 + M.l)}" y="${px(y0 + 18)}" font-size="13" font-weight="bold">${esc(title)}</text>`];
  out.push(`<rect x="${px(X(0))}" y="${px(Y(1))}" width="${px(pw)}" height="${px(ph)}" fill="none" stroke="#888" stroke-width="0.8"/>`);
  for (const t of xa.ticks) {
    out.push(`<line x1="${px(X(t.u))}" y1="${px(Y(0))}" x2="${px(X(t.u))}" y2="${px(Y(0) + 4)}" stroke="#555"/>`);
    out.push(`<text x="${px(X(t.u))}" y="${px(Y(0) + 16)}" font-size="10" text-anchor="middle">${esc(fitText(t.label, 60, (s) => textWidth(s, 10)))}</text>`);
  }
  for (const t of ya.ticks) {
    out.push(`<line x1="${px(X(0) - 4)}" y1="${px(Y(t.u))}" x2="${px(X(0))}" y2="${px(Y(t.u))}" stroke="#555"/>`);
    out.push(`<text x="${px(X(0) - 6)}" y="${px(Y(t.u) + 3.5)}" font-size="10" text-anchor="end">${esc(t.label)}</text>`);
  }
  out.push(`<text x="${px(X(0.5))}" y="${px(y0 + H - 8)}" font-size="11" text-anchor="middle">${esc(xa.label)}</text>`);
  out.push(`<text transform="translate(${px(x0 + 14)} ${px(Y(0.5))}) rotate(-90)" font-size="11" text-anchor="middle">${esc(ya.label)}</text>`);
  return out;
}

/** Mean of the numbers among `vs` (null when none). */
function mean(vs: SweepCell[]): number | null {
  const n = vs.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return n.length === 0 ? null : n.reduce((a, b) => a + b, 0) / n.length;
}

export function sweepSvg(inp: SweepPlotInput): string {
  const ps = inp.parameters.map((p) => p.name);
  const measures = inp.measures.filter((m) => inp.data[m.name].some((v) => typeof v === 'number'));
  const xName = ps.length >= 2 ? ps[1] : ps[0];
  const gName = ps.length >= 2 ? ps[0] : null;
  const groups = gName ? levels(inp.data[gName]) : [null];
  const dotsOnly = groups.length > 10;
  const heat = ps.length >= 2 && measures.length > 0 && !dotsOnly && levels(inp.data[xName]).length <= 60;
  const panels = measures.length + (heat ? 1 : 0);
  const cols = Math.min(2, Math.max(1, panels));
  const rowsN = Math.max(1, Math.ceil(panels / cols));
  const legendH = gName && !dotsOnly ? 22 : 0;
  const noteH = ps.length > 2 ? 16 : 0;
  const width = cols * W, height = 34 + legendH + noteH + rowsN * H + (measures.length === 0 ? 40 : 0);
  const out = svgOpen(width, height, inp.title);
  out.push(`<text x="12" y="22" font-size="15" font-weight="bold">${esc(fitText(inp.title, width - 24, (s) => textWidth(s, 15) * 1.12))}</text>`);
  let top = 34;
  const groupColor = (k: number) => (groups.length <= 10 ? paletteColor(k) : colormap('viridis', groups.length === 1 ? 0.5 : k / (groups.length - 1)));
  if (gName && !dotsOnly) {
    let x = 12;
    out.push(`<text x="${x}" y="${top + 12}" font-size="11">${esc(gName)}:</text>`);
    x += textWidth(gName + ': ', 11) + 6;
    groups.forEach((g, k) => {
      out.push(`<line x1="${px(x)}" y1="${top + 8}" x2="${px(x + 16)}" y2="${top + 8}" stroke="${groupColor(k)}" stroke-width="2.5"/>`);
      out.push(`<text x="${px(x + 20)}" y="${top + 12}" font-size="11">${esc(String(g))}</text>`);
      x += 28 + textWidth(String(g), 11) + 8;
    });
    top += legendH;
  }
  if (noteH > 0) {
    out.push(`<text x="12" y="${top + 11}" font-size="11" fill="#555">${esc(`means over ${ps.slice(2).join(', ')} (not drawn)`)}</text>`);
    top += noteH;
  }
  if (measures.length === 0) out.push(`<text x="12" y="${top + 20}" font-size="12">no numeric measures to draw (${inp.rows} runs)</text>`);
  const xa = axisFor(inp.data[xName], xName);
  const xs = levels(inp.data[xName]);
  measures.forEach((m, i) => {
    const x0 = (i % cols) * W, y0 = top + Math.floor(i / cols) * H;
    const ys = inp.data[m.name].filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    const t = niceTicks(Math.min(...ys), Math.max(...ys), 5);
    const ya: Axis = { at: (v) => (typeof v === 'number' ? (v - t.lo) / (t.hi - t.lo) : NaN), ticks: t.values.map((v) => ({ u: (v - t.lo) / (t.hi - t.lo), label: fmtTick(v, t.decimals) })), label: `${m.name}${m.unit && m.unit !== '1' ? ` (${m.unit})` : ''}` };
    out.push(...frame(x0, y0, xa, ya, m.name));
    const pw = W - M.l - M.r, ph = H - M.t - M.b;
    const X = (u: number) => x0 + M.l + u * pw, Y = (u: number) => y0 + M.t + (1 - u) * ph;
    groups.forEach((g, k) => {
      const color = gName ? groupColor(k) : paletteColor(0);
      const pts: [number, number][] = [];
      for (const xv of xs) {
        const cell: SweepCell[] = [];
        for (let r = 0; r < inp.rows; r++) {
          if (String(inp.data[xName][r]) !== String(xv)) continue;
          if (gName && String(inp.data[gName][r]) !== String(g)) continue;
          cell.push(inp.data[m.name][r]);
          const v = inp.data[m.name][r];
          if (typeof v === 'number' && Number.isFinite(v)) out.push(`<circle cx="${px(X(xa.at(xv)))}" cy="${px(Y(ya.at(v)))}" r="2.2" fill="${color}" fill-opacity="0.6"/>`);
        }
        const mu = mean(cell);
        if (mu !== null) pts.push([X(xa.at(xv)), Y(ya.at(mu))]);
      }
      if (!dotsOnly && pts.length > 1) out.push(`<polyline points="${pts.map(([a, b]) => `${px(a)},${px(b)}`).join(' ')}" fill="none" stroke="${color}" stroke-width="1.8"/>`);
    });
  });
  if (heat) {
    const m = measures[0];
    const i = measures.length;
    const x0 = (i % cols) * W, y0 = top + Math.floor(i / cols) * H;
    const gy = levels(inp.data[gName!]);
    const cells: (number | null)[][] = gy.map((g) => xs.map((xv) => {
      const c: SweepCell[] = [];
      for (let r = 0; r < inp.rows; r++) if (String(inp.data[gName!][r]) === String(g) && String(inp.data[xName][r]) === String(xv)) c.push(inp.data[m.name][r]);
      return mean(c);
    }));
    const flat = cells.flat().filter((v): v is number => v !== null);
    const lo = Math.min(...flat), hi = Math.max(...flat);
    const pw = W - M.l - M.r - 44, ph = H - M.t - M.b;
    const cw = pw / xs.length, ch = ph / gy.length;
    out.push(`<text x="${px(x0 + M.l)}" y="${px(y0 + 18)}" font-size="13" font-weight="bold">${esc(`${m.name} over ${gName} × ${xName}`)}</text>`);
    cells.forEach((row, a) => row.forEach((v, b) => {
      const fill = v === null ? '#dddddd' : colormap('viridis', hi > lo ? (v - lo) / (hi - lo) : 0.5);
      out.push(`<rect x="${px(x0 + M.l + b * cw)}" y="${px(y0 + M.t + (gy.length - 1 - a) * ch)}" width="${px(cw + 0.3)}" height="${px(ch + 0.3)}" fill="${fill}"><title>${esc(`${gName}=${gy[a]}, ${xName}=${xs[b]}: ${v === null ? 'no value' : fmtValue(v)}`)}</title></rect>`);
    }));
    const step = Math.max(1, Math.ceil(xs.length / 8));
    xs.forEach((xv, b) => {
      if (b % step === 0) out.push(`<text x="${px(x0 + M.l + (b + 0.5) * cw)}" y="${px(y0 + M.t + ph + 14)}" font-size="10" text-anchor="middle">${esc(fitText(String(xv), cw * step, (s) => textWidth(s, 10)))}</text>`);
    });
    const gstep = Math.max(1, Math.ceil(gy.length / 10));
    gy.forEach((g, a) => {
      if (a % gstep === 0) out.push(`<text x="${px(x0 + M.l - 5)}" y="${px(y0 + M.t + (gy.length - 0.5 - a) * ch + 3.5)}" font-size="10" text-anchor="end">${esc(fitText(String(g), M.l - 8, (s) => textWidth(s, 10)))}</text>`);
    });
    out.push(`<text x="${px(x0 + M.l + pw / 2)}" y="${px(y0 + H - 8)}" font-size="11" text-anchor="middle">${esc(xName)}</text>`);
    out.push(`<text transform="translate(${px(x0 + 14)} ${px(y0 + M.t + ph / 2)}) rotate(-90)" font-size="11" text-anchor="middle">${esc(gName!)}</text>`);
    // colour bar
    const bx = x0 + M.l + pw + 12;
    for (let k = 0; k < 32; k++) out.push(`<rect x="${px(bx)}" y="${px(y0 + M.t + ph - ((k + 1) * ph) / 32)}" width="10" height="${px(ph / 32 + 0.3)}" fill="${colormap('viridis', (k + 0.5) / 32)}"/>`);
    out.push(`<text x="${px(bx + 13)}" y="${px(y0 + M.t + 8)}" font-size="9">${esc(fmtValue(hi))}</text>`);
    out.push(`<text x="${px(bx + 13)}" y="${px(y0 + M.t + ph)}" font-size="9">${esc(fmtValue(lo))}</text>`);
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
