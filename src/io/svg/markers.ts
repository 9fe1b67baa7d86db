/**
 * Markers on the shape plot and their legend: recording sites (labelled circles), current stimuli
 * (labelled triangles pointing down at the site), voltage clamps (labelled squares on a stem) and
 * synapses (small dots coloured by type on a white halo, drawn over the circles; each further type a
 * little smaller, so an AMPA and an NMDA synapse at one site show as a ring around a dot). Several stimuli at one site stand side by side above it,
 * so none hides another or the recording circle under them. Labels are placed off the drawing,
 * off each other and inside the frame, with a leader line when they sit away from their symbol.
 */
import { esc, fmtValue, px, textWidth } from './util.ts';
import type { MarkerKind } from './shape.ts';

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
export const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/** Which 3-px cells of the figure the drawing covers (for placing labels off the branches). */
export class Occupancy {
  private readonly nx: number;
  private readonly ny: number;
  private readonly grid: Uint8Array;
  constructor(w: number, h: number) {
    this.nx = Math.ceil(w / 3) + 1;
    this.ny = Math.ceil(h / 3) + 1;
    this.grid = new Uint8Array(this.nx * this.ny);
  }
  line(x0: number, y0: number, x1: number, y1: number, width: number): void {
    const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / 1.5));
    const r = Math.max(0, Math.floor(width / 6));
    for (let s = 0; s <= steps; s++) {
      const gx = Math.floor((x0 + ((x1 - x0) * s) / steps) / 3);
      const gy = Math.floor((y0 + ((y1 - y0) * s) / steps) / 3);
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          const x = gx + dx;
          const y = gy + dy;
          if (x >= 0 && y >= 0 && x < this.nx && y < this.ny) this.grid[y * this.nx + x] = 1;
        }
      }
    }
  }
  count(b: Box): number {
    let n = 0;
    for (let y = Math.max(0, Math.floor(b.y0 / 3)); y <= Math.min(this.ny - 1, Math.floor(b.y1 / 3)); y++) {
      for (let x = Math.max(0, Math.floor(b.x0 / 3)); x <= Math.min(this.nx - 1, Math.floor(b.x1 / 3)); x++) n += this.grid[y * this.nx + x];
    }
    return n;
  }
}

/** A marker at its screen position, ready to draw. */
export interface PlacedMarker {
  label: string;
  kind: MarkerKind;
  /** Screen position of the site. */
  cx: number;
  cy: number;
  /** Fill (probes, synapses); for a hollow probe the ring colour. */
  color: string;
  /** A probe without a colour-scale value in a value-coloured figure: white with a coloured ring. */
  hollow?: boolean;
  /** Probe value shown after the label, as "soma (38.1)". */
  value?: number;
  group?: string;
  /** Synapse dot radius (px): each further type is smaller, so co-located types show as rings. */
  radius?: number;
}

/** The label text of a marker. */
export function markerLabelText(m: { label: string; value?: number }): string {
  return m.value !== undefined ? `${m.label} (${fmtValue(m.value)})` : m.label;
}

const C_TEXT = '#222222';
const C_INK = '#111111';
export const PIN = { half: 6, height: 13, gap: 2, spacing: 14 };

/** Symbol of a kind at (x, y) (for the legend and the plot alike). */
function symbol(kind: MarkerKind, x: number, y: number, color: string, attrs: string, hollow = false, r = 3.2): string {
  switch (kind) {
    case 'probe':
      return hollow
        ? `<circle ${attrs}cx="${px(x)}" cy="${px(y)}" r="4.8" fill="#ffffff" stroke="${color}" stroke-width="2.4"/>`
        : `<circle ${attrs}cx="${px(x)}" cy="${px(y)}" r="5.5" fill="${color}" stroke="${C_INK}" stroke-width="1.2"/>`;
    case 'synapse':
      return `<circle ${attrs}cx="${px(x)}" cy="${px(y)}" r="${px(r)}" fill="${color}"/>`;
    case 'stimulus': {
      // a triangle pointing down, its tip at (x, y)
      const h = PIN.height;
      return `<path ${attrs}d="M${px(x)},${px(y)}L${px(x - PIN.half)},${px(y - h)}L${px(x + PIN.half)},${px(y - h)}Z" fill="${C_INK}" stroke="#ffffff" stroke-width="1" stroke-linejoin="round"/>`;
    }
    case 'clamp': {
      // a square on a short stem ending at (x, y)
      const s = 2 * PIN.half - 1;
      return `<g ${attrs}><line x1="${px(x)}" y1="${px(y)}" x2="${px(x)}" y2="${px(y - 4)}" stroke="${C_INK}" stroke-width="1.6"/><rect x="${px(x - s / 2)}" y="${px(y - 4 - s)}" width="${px(s)}" height="${px(s)}" fill="#ffffff" stroke="${C_INK}" stroke-width="2"/></g>`;
    }
  }
}

export interface MarkerFrame {
  W: number;
  H: number;
  /** Labels stay below this y (the title block). */
  top: number;
  /** Labels stay left of this x (the colour bar). */
  xMax: number;
  fontSize: number;
}

/** Above this many recording sites they are drawn small and unlabelled (a label each would bury the cell). */
export const MAX_LABELLED_PROBES = 40;

/**
 * SVG for the markers: synapse dots first, then recording circles, then stimulus pins, then the
 * labels (never on another label or symbol, preferring places where no branch is drawn).
 */
export function drawMarkers(markers: readonly PlacedMarker[], occ: Occupancy, f: MarkerFrame): string[] {
  const syn = markers.filter((m) => m.kind === 'synapse');
  const probes = markers.filter((m) => m.kind === 'probe');
  const pins = markers.filter((m) => m.kind === 'stimulus' || m.kind === 'clamp');
  const out: string[] = [];
  const symbols: string[] = [];
  const leaders: string[] = [];
  const labels: string[] = [];
  // synapses go on top of the recording circles (small, on a white halo drawn under all of them,
  // so a cluster reads as one outlined streak), larger dots (earlier types) under smaller ones
  const synapses: string[] = syn.map((m) => `<circle cx="${px(m.cx)}" cy="${px(m.cy)}" r="${px((m.radius ?? 3.2) + 0.7)}" fill="#ffffff"/>`);
  for (const m of [...syn].sort((a, b) => (b.radius ?? 3.2) - (a.radius ?? 3.2))) {
    synapses.push(symbol('synapse', m.cx, m.cy, m.color, `class="synapse-marker" data-label="${esc(m.label)}" data-type="${esc(m.group ?? '')}" `, false, m.radius));
    occ.line(m.cx - 2, m.cy, m.cx + 2, m.cy, 6);
  }
  // what each label belongs to: its symbol's box and the point its leader line starts from
  const owned: { m: PlacedMarker; box: Box; ax: number; ay: number }[] = [];
  const crowd = probes.length > MAX_LABELLED_PROBES;
  for (const m of probes) {
    const attrs = `class="marker" data-label="${esc(m.label)}" `;
    if (crowd) {
      // small dots: dark grey, or their value's colour when the figure colours by value
      symbols.push(`<circle ${attrs}cx="${px(m.cx)}" cy="${px(m.cy)}" r="2.2" fill="${m.value !== undefined ? m.color : m.hollow ? '#ffffff' : '#333333'}"${m.hollow ? ' stroke="#333333" stroke-width="0.6"' : ''}/>`);
      continue;
    }
    symbols.push(symbol('probe', m.cx, m.cy, m.color, attrs, m.hollow));
    owned.push({ m, box: { x0: m.cx - 7, y0: m.cy - 7, x1: m.cx + 7, y1: m.cy + 7 }, ax: m.cx, ay: m.cy });
  }
  // pins at (nearly) the same site stand side by side
  const sites: PlacedMarker[][] = [];
  for (const m of pins) {
    const same = sites.find((g) => Math.hypot(g[0].cx - m.cx, g[0].cy - m.cy) < 3);
    if (same) same.push(m);
    else sites.push([m]);
  }
  for (const group of sites) {
    group.forEach((m, j) => {
      const dx = (j - (group.length - 1) / 2) * PIN.spacing;
      const tipX = m.cx + dx;
      const tipY = m.cy - PIN.gap - (group.length > 1 ? 2 : 0);
      const attrs = `class="stimulus-marker" data-kind="${m.kind}" data-label="${esc(m.label)}" data-at="${px(m.cx)},${px(m.cy)}" `;
      if (dx !== 0) symbols.push(`<line x1="${px(m.cx)}" y1="${px(m.cy)}" x2="${px(tipX)}" y2="${px(tipY)}" stroke="${C_INK}" stroke-width="1"/>`);
      symbols.push(symbol(m.kind, tipX, tipY, C_INK, attrs));
      const box = { x0: tipX - PIN.half - 1, y0: tipY - PIN.height - 4, x1: tipX + PIN.half + 1, y1: tipY + 1 };
      owned.push({ m, box, ax: tipX, ay: tipY - PIN.height / 2 - 2 });
    });
  }
  const placed: Box[] = owned.map((o) => o.box);
  const th = f.fontSize;
  for (const { m, box: own, ax, ay } of owned) {
    const text = markerLabelText(m);
    if (text === '') continue;
    const tw = textWidth(text, th);
    const hw = Math.max(7, (own.x1 - own.x0) / 2);
    const hh = Math.max(7, (own.y1 - own.y0) / 2);
    // candidates around the symbol (anchor x, baseline y, text-anchor); the cheapest wins: covered
    // drawing, then distance, and never on another label or symbol or outside the frame
    const candidates: [number, number, 'start' | 'end' | 'middle'][] = [];
    for (const r of [3, 13, 27, 45]) {
      const e = r * 0.7;
      candidates.push([ax + hw + r, ay + th * 0.35, 'start'], [ax - hw - r, ay + th * 0.35, 'end']);
      candidates.push([ax, ay - hh - r + 2, 'middle'], [ax, ay + hh + r + th - 2, 'middle']);
      candidates.push([ax + hw + e, ay - hh - e + 2, 'start'], [ax - hw - e, ay - hh - e + 2, 'end'], [ax + hw + e, ay + hh + e + th - 2, 'start'], [ax - hw - e, ay + hh + e + th - 2, 'end']);
    }
    const boxOf = (c: (typeof candidates)[number]): Box => {
      const x0 = c[2] === 'start' ? c[0] : c[2] === 'end' ? c[0] - tw : c[0] - tw / 2;
      return { x0: x0 - 2, y0: c[1] - th + 1, x1: x0 + tw + 2, y1: c[1] + 3 };
    };
    // distance from a point to a box (0 inside)
    const toBox = (x: number, y: number, b: Box) => Math.hypot(Math.max(b.x0 - x, 0, x - b.x1), Math.max(b.y0 - y, 0, y - b.y1));
    let best = candidates[0];
    let bestCost = Infinity;
    candidates.forEach((c, i) => {
      const box = boxOf(c);
      let cost = 0.4 * occ.count(box) + 0.15 * Math.hypot(c[0] - ax, c[1] - th * 0.35 - ay) + 0.01 * i;
      // a label nearer another symbol than its own would be read as that one's
      const mine = toBox(ax, ay, box);
      // (symbols stacked at one site, like a stimulus over its recording, do not count)
      if (owned.some((o) => Math.hypot(o.ax - ax, o.ay - ay) > 24 && toBox(o.ax, o.ay, box) < mine + 4)) cost += 300;
      if (box.x0 < 2 || box.x1 > f.xMax || box.y0 < f.top - 12 || box.y1 > f.H - 2) cost += 1e6;
      if (placed.some((b) => b !== own && overlaps(b, box))) cost += 1e5;
      if (cost < bestCost) {
        bestCost = cost;
        best = c;
      }
    });
    const box = boxOf(best);
    placed.push(box);
    // a leader line when the label sits away from its symbol
    const nx = Math.min(Math.max(ax, box.x0), box.x1);
    const ny = Math.min(Math.max(ay, box.y0), box.y1);
    const gap = Math.hypot(nx - ax, ny - ay);
    const edge = m.kind === 'probe' ? 6.5 : Math.max(hw, hh) - 1;
    if (gap > edge + 6) {
      const g = edge / gap;
      leaders.push(`<line x1="${px(ax + (nx - ax) * g)}" y1="${px(ay + (ny - ay) * g)}" x2="${px(nx)}" y2="${px(ny)}" stroke="#444444" stroke-width="0.9"/>`);
    }
    labels.push(
      `<text class="marker-label" data-kind="${m.kind}" x="${px(best[0])}" y="${px(best[1])}" text-anchor="${best[2]}" font-size="${th}" fill="${C_TEXT}" stroke="#ffffff" stroke-width="3.5" stroke-linejoin="round" paint-order="stroke">${esc(text)}</text>`,
    );
  }
  const probeSymbols = symbols.filter((x) => x.includes('class="marker"'));
  const pinSymbols = symbols.filter((x) => !x.includes('class="marker"'));
  if (markers.length > 0) out.push('<g class="markers">', ...leaders, ...probeSymbols, ...(synapses.length > 0 ? ['<g class="synapses">', ...synapses, '</g>'] : []), ...pinSymbols, ...labels, '</g>');
  return out;
}

/** One legend entry: a symbol and its text. */
export interface LegendEntry {
  kind: MarkerKind;
  text: string;
  color: string;
  hollow?: boolean;
  radius?: number;
}

export interface LegendLayout {
  rows: { entry: LegendEntry; x: number }[][];
  rowHeight: number;
}

/** Entries laid out left to right, wrapping at `maxWidth`. */
export function legendLayout(entries: readonly LegendEntry[], maxWidth: number, fontSize: number): LegendLayout {
  const rows: { entry: LegendEntry; x: number }[][] = [];
  let row: { entry: LegendEntry; x: number }[] = [];
  let x = 0;
  for (const entry of entries) {
    const w = 22 + textWidth(entry.text, fontSize);
    if (row.length > 0 && x + w > maxWidth) {
      rows.push(row);
      row = [];
      x = 0;
    }
    row.push({ entry, x });
    x += w + 20;
  }
  if (row.length > 0) rows.push(row);
  return { rows, rowHeight: fontSize + 10 };
}

/** The legend's SVG with its first row's centre line at y0. */
export function drawLegend(l: LegendLayout, x0: number, y0: number, fontSize: number): string[] {
  if (l.rows.length === 0) return [];
  const o = [`<g class="shape-legend" font-size="${fontSize}" fill="${C_TEXT}">`];
  l.rows.forEach((row, r) => {
    const y = y0 + r * l.rowHeight;
    for (const { entry, x } of row) {
      const sx = x0 + x + 8;
      const attrs = `class="legend-symbol" data-kind="${entry.kind}" `;
      // pins are drawn with their tip low so the symbol's middle sits on the text's centre line
      const sy = entry.kind === 'stimulus' ? y + PIN.height / 2 : entry.kind === 'clamp' ? y + 9 : y;
      o.push(symbol(entry.kind, sx, sy, entry.color, attrs, entry.hollow, entry.kind === 'synapse' ? (entry.radius ?? 4) : undefined));
      o.push(`<text class="legend-text" x="${px(x0 + x + 22)}" y="${px(y + fontSize * 0.35)}">${esc(entry.text)}</text>`);
    }
  });
  o.push('</g>');
  return o;
}
