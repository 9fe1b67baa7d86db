/**
 * Neurolucida ASC (V3 text) → NEURON's sections, as NEURON 8.2's `Import3d_Neurolucida3`
 * (read_nlcda3.hoc) + `Import3d_GUI.instantiate` (import3d_gui.hoc) build them.
 *
 * The parser is the same recursive descent as NEURON's, production by production (p_file,
 * objects, object, contour, tree, branch, treepoints, branchend, node, split, marker, spines,
 * properties, values, point...), with NEURON's two-token look-ahead and its try-text-then-tree
 * backtracking; where NEURON stops with "parse error" we throw an AscError naming the file,
 * the line and what was expected. Semantic actions, as NEURON's:
 * - a contour named "CellBody", "Cell Body" or "Soma" with more than two points is a soma
 *   (type 1); other contours, markers, spines, text and properties make no section;
 * - a tree's type is its last property before the first point: (Axon) 2, (Dendrite) 3,
 *   (Apical) 4, anything else 0 (`dend_0`);
 * - each branch (a run of points up to a split or an ending) is one section, created before its
 *   children; a child whose first point differs from its parent's last point gets a copy of
 *   that point (with the child's first diameter) prepended, connection at parent(1);
 * - soma contours are moved to the front; every tree whose first point lies in a soma's x-y
 *   bounding box (±0.5 µm, compared as float) hangs on that soma at 0.5 as a wire from the
 *   contour centre; other trees hang on the nearest soma centre (warning); without a soma
 *   every tree stays a root;
 * - instantiate: degenerate sections removed, names, soma contour → centroid (asc-soma.ts),
 *   one-point sections → 3 points along x, every value through `%.8g` and float32.
 * Comparisons made in hoc (same point, nearest soma, overlapping boxes, the soma outline's
 * monotonic sides) use hoc's 1e-11 tolerance (asc-soma.ts hocEq/hocLt/...), as NEURON's do.
 * - soma contour stacks (a contour whose x-y box overlaps the previous contour's): one soma
 *   section with one point per contour (contour centre, mean radius + perimeter / 2π), trees
 *   hung on the middle of the stack's centre line if inside the stack's box (no margin).
 * Not supported (refused with a message): '@' outside comments, hexadecimal numbers, text after
 * the last object (NEURON ignores it).
 */
import { UserError } from '../errors.ts';
import { roundThroughG8Float32 } from './float32.ts';
import { readMorphologyText } from './text.ts';
import { typeName } from './import3d.ts';
import { arcLengths, sectionLength, segmentIntegrals } from './geometry.ts';
import type { LoadOptions, Morphology, Section } from './morphology.ts';
import { AscError, Tok, describeToken, kindName, tokenize, type AscToken } from './asc-lex.ts';
import {
  approximateContourByCircle, contourCenter, contourToCentroid, hocEq, hocGt, hocLt, stackCenter, stackTriangulationError,
} from './asc-soma.ts';

export { AscError, type AscErrorCode } from './asc-lex.ts';

/** A section as read_nlcda3.hoc holds it before instantiation (raw double points). */
interface RawSection {
  type: number;
  contour: boolean;
  parent: RawSection | null;
  parentX: number;
  /** 1: the first raw point is a copy that is not drawn (a wire to the soma centre). */
  first: number;
  x: number[];
  y: number[];
  z: number[];
  d: number[];
  /** Line of the first own point. */
  line: number;
  /** Position of the first own point among all points read (0-based). */
  firstPoint: number;
  /** For the first contour of a soma contour stack: the other contours of the stack, in order. */
  stack: RawSection[] | null;
  /** A later contour of a stack (no section of its own). */
  subsidiary: boolean;
}

interface ParseResult {
  sections: RawSection[];
  nPoints: number;
  warnings: string[];
}

const SOMA_NAMES = new Set(['CellBody', 'Cell Body', 'Soma']);

/** Parse ASC text into NEURON's section list (before connecting trees to the soma). */
function parseAsc(text: string, file: string): ParseResult {
  const toks = tokenize(text, file);
  const eof = toks[toks.length - 1];
  let pos = 0;
  const tok = (k: number): AscToken => toks[Math.min(pos + k, toks.length - 1)] ?? eof;
  const cur = () => tok(0);
  const la = () => tok(1);
  const la2 = () => tok(2);
  const next = () => { if (pos < toks.length - 1) pos++; };

  const px: number[] = [], py: number[] = [], pz: number[] = [], pd: number[] = [], pline: number[] = [];
  const sections: RawSection[] = [];
  const warnings: string[] = [];
  let parentSec: RawSection | null = null;
  let sectype = 0;
  let plist: AscToken[][] = [];

  const fail = (expected: string): never => {
    const t = cur();
    if (t.kind === Tok.Err) throw new AscError('lexical', file, t.line, `NEURON's reader cannot read ${t.s} (expected ${expected})`);
    if (t.kind === Tok.Eof) throw new AscError('syntax', file, t.line, `unexpected end of file, expected ${expected}`);
    throw new AscError('syntax', file, t.line, `expected ${expected}, found ${describeToken(t)}`);
  };
  const chk = (k: Tok, context = '') => { if (cur().kind !== k) fail(kindName(k) + context); };
  const demand = (k: Tok, context = '') => { next(); chk(k, context); };
  const optionalComma = () => { if (cur().kind === Tok.Comma) next(); };

  function newsec(begin: number, end: number): RawSection {
    const n = end - begin;
    if (n <= 0) fail('a point (a branch needs at least one)');
    const sec: RawSection = { type: sectype, contour: false, parent: null, parentX: 1, first: 0, x: [], y: [], z: [], d: [], line: pline[begin], firstPoint: begin, stack: null, subsidiary: false };
    const p = parentSec;
    if (p !== null) {
      const m = p.x.length - 1;
      if (!(hocEq(p.x[m], px[begin]) && hocEq(p.y[m], py[begin]) && hocEq(p.z[m], pz[begin]))) {
        sec.x.push(p.x[m]); sec.y.push(p.y[m]); sec.z.push(p.z[m]); sec.d.push(pd[begin]);
      }
    }
    for (let i = begin; i < end; i++) {
      sec.x.push(px[i]); sec.y.push(py[i]); sec.z.push(pz[i]); sec.d.push(pd[i]);
    }
    sections.push(sec);
    return sec;
  }

  function objects(): void {
    object();
    for (;;) {
      optionalComma();
      if (cur().kind !== Tok.LPar) break;
      object();
    }
  }
  function object(): void {
    if (cur().kind !== Tok.LPar) fail("'(' starting a contour, tree, marker or property");
    const k = la().kind;
    if (k === Tok.Str) contour();
    else if (k === Tok.Label) markerOrProperty();
    else if (k === Tok.LPar) treeOrText();
    else if (k === Tok.Set) pSet();
    else { next(); fail("a contour name, a word, '(' or 'set' after '('"); }
  }
  function markerOrProperty(): void {
    if (la2().kind === Tok.LPar) marker();
    else property();
  }
  function treeOrText(): void {
    const save = pos;
    if (!textObject()) {
      pos = save;
      tree();
    }
  }
  function properties(): void {
    plist = [];
    if (cur().kind === Tok.LPar && (la().kind === Tok.Label || la().kind === Tok.Set)) {
      propertyOrSet();
      for (;;) {
        optionalComma();
        if (cur().kind !== Tok.LPar || (la().kind !== Tok.Label && la().kind !== Tok.Set)) break;
        propertyOrSet();
      }
    }
  }
  function propertyOrSet(): void {
    if (la().kind === Tok.Label) property();
    else pSet();
  }
  function property(): void {
    chk(Tok.LPar);
    demand(Tok.Label);
    const items = [cur()];
    plist.push(items);
    next();
    const c = cur().kind;
    if (c === Tok.Num || c === Tok.Str || c === Tok.Label || c === Tok.Rgb) {
      for (;;) {
        const v = cur().kind;
        if (v !== Tok.Num && v !== Tok.Str && v !== Tok.Label && v !== Tok.Rgb) break;
        value(items);
      }
    }
    chk(Tok.RPar, ` closing the property (${items[0].s}`);
    next();
  }
  function value(items: AscToken[]): void {
    const c = cur().kind;
    if (c === Tok.Num || c === Tok.Str || c === Tok.Label) {
      items.push(cur());
    } else if (c === Tok.Rgb) {
      demand(Tok.LPar, ' after RGB');
      demand(Tok.Num, ' (red)');
      next();
      optionalComma();
      chk(Tok.Num, ' (green)');
      next();
      optionalComma();
      chk(Tok.Num, ' (blue)');
      demand(Tok.RPar, ' closing RGB (');
    } else {
      fail('a value');
    }
    next();
  }
  function pSet(): void {
    chk(Tok.LPar);
    demand(Tok.Set);
    demand(Tok.Str, ' naming the set');
    next();
    if (cur().kind !== Tok.RPar) objects();
    chk(Tok.RPar, ' closing the set');
    next();
  }
  function contour(): void {
    chk(Tok.LPar);
    const begin = px.length;
    demand(Tok.Str);
    const name = cur().s;
    const keep = SOMA_NAMES.has(name);
    const line = cur().line;
    next();
    properties();
    points();
    if (keep) {
      const end = px.length;
      if (end - begin > 2) {
        sectype = 1;
        newsec(begin, end).contour = true;
      } else {
        warnings.push(`${file}:${line}: CellBody contour has less than three points; ignored, as NEURON does`);
      }
    }
    chk(Tok.RPar, ` closing the contour "${name}"`);
    next();
  }
  function tree(): void {
    parentSec = null;
    chk(Tok.LPar);
    next();
    properties();
    sectype = 0;
    if (plist.length > 0) {
      const s = plist[plist.length - 1][0].s;
      sectype = s === 'Axon' ? 2 : s === 'Dendrite' ? 3 : s === 'Apical' ? 4 : 0;
    }
    branch();
    chk(Tok.RPar, ' closing the tree');
    next();
    parentSec = null;
  }
  function branch(): void {
    const psav = parentSec;
    const begin = px.length;
    treepoints();
    const sec = newsec(begin, px.length);
    sec.parent = parentSec;
    parentSec = sec;
    branchend();
    parentSec = psav;
  }
  function treepoints(): void {
    treepoint();
    for (;;) {
      optionalComma();
      if (cur().kind !== Tok.LPar || la().kind !== Tok.Num) break;
      treepoint();
    }
  }
  function treepoint(): void {
    if (la().kind === Tok.Label) {
      markerOrProperty();
    } else {
      point(true);
      while (cur().kind === Tok.LSp) spine();
    }
  }
  function spine(): void {
    chk(Tok.LSp);
    next();
    properties();
    if (plist.length > 0 && plist[0][0].s === 'Class' && plist[0].length < 3) {
      fail(`a spine (Class number "label") property`);
    }
    point(false);
    chk(Tok.RSp, ' closing the spine');
    next();
  }
  function branchend(): void {
    optionalComma();
    if (cur().kind === Tok.LPar) {
      while (la().kind === Tok.Label) markerList();
    }
    optionalComma();
    if (cur().kind === Tok.LPar || cur().kind === Tok.Label) node();
  }
  function node(): void {
    if (cur().kind === Tok.LPar) {
      next();
      split();
      chk(Tok.RPar, ' closing the split');
      next();
    } else if (cur().kind === Tok.Label) {
      next();
    } else {
      fail("'(' or an ending word");
    }
  }
  function split(): void {
    branch();
    while (cur().kind === Tok.Bar) {
      next();
      branch();
    }
  }
  function markerList(): void {
    chk(Tok.LPar);
    const line = cur().line;
    let depth = 1;
    while (depth !== 0) {
      next();
      const k = cur().kind;
      if (k === Tok.RPar) depth--;
      else if (k === Tok.LPar) depth++;
      else if (k === Tok.Eof || k === Tok.Err) fail(`')' closing the marker list opened on line ${line}`);
    }
    next();
  }
  function marker(): void {
    chk(Tok.LPar);
    demand(Tok.Label);
    next();
    properties();
    points();
    chk(Tok.RPar, ' closing the marker');
    next();
  }
  function textObject(): boolean {
    chk(Tok.LPar);
    next();
    properties();
    point(true);
    if (cur().kind !== Tok.Str) return false;
    next();
    if (cur().kind !== Tok.RPar) return false;
    next();
    return true;
  }
  function points(): void {
    point(true);
    for (;;) {
      optionalComma();
      if (cur().kind !== Tok.LPar) break;
      point(true);
    }
  }
  function point(keep: boolean): void {
    chk(Tok.LPar, ' starting a point');
    demand(Tok.Num, ' (x coordinate)');
    const line = cur().line;
    const xv = cur().x;
    next();
    optionalComma();
    chk(Tok.Num, ' (y coordinate)');
    const yv = cur().x;
    let zv = 0, dv = 0;
    next();
    // optz
    optionalComma();
    if (cur().kind === Tok.Num) {
      zv = cur().x;
      next();
      // optmodifier
      optionalComma();
      if (cur().kind === Tok.Num) {
        dv = cur().x;
        next();
        optionalComma();
        if (cur().kind === Tok.Label) next();
        // optbezier
        optionalComma();
        if (cur().kind === Tok.LPar) {
          demand(Tok.Num, ' (bezier)');
          next();
          for (let k = 0; k < 3; k++) {
            optionalComma();
            chk(Tok.Num, ' (bezier)');
            if (k < 2) next();
          }
          demand(Tok.RPar, ' closing the bezier');
          next();
        }
      }
    }
    if (keep) {
      px.push(xv); py.push(yv); pz.push(zv); pd.push(dv); pline.push(line);
    }
    chk(Tok.RPar, ' closing the point');
    next();
  }

  if (cur().kind === Tok.Eof) throw new AscError('empty', file, null, 'no contour or tree in the file (empty, or comments only)');
  try {
    objects();
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    // call stack exhausted: splits nested thousands deep (real cells nest a few hundred at most)
    throw new AscError('unsupported', file, cur().line, 'branches nested too deeply to read (call stack exhausted)');
  }
  if (cur().kind !== Tok.Eof) fail("'(' starting another object, or the end of the file");
  return { sections, nPoints: px.length, warnings };
}

/** read_nlcda3.hoc connect2soma: contours first, trees hung on the soma whose box holds them. */
function connectToSoma(secs: RawSection[], file: string, warnings: string[]): RawSection[] {
  const contours = secs.filter((s) => s.contour);
  const ordered = [...contours, ...secs.filter((s) => !s.contour)];
  // soma_contour_stack: a contour whose x-y box overlaps the previous contour's box joins the
  // stack of the last contour that started one
  const somas: RawSection[] = [];
  for (let j = 0; j < contours.length; j++) {
    const c = contours[j];
    if (j > 0 && boxesOverlap(box(contours[j - 1]), box(c))) {
      const first = somas[somas.length - 1];
      (first.stack ??= []).push(c);
      c.subsidiary = true;
    } else {
      somas.push(c);
    }
  }
  for (const soma of somas) {
    if (soma.stack) {
      warnings.push(`${file}:${soma.line}: ${soma.stack.length + 1} overlapping soma contours read as a contour stack: the soma is one cylinder per contour (centre, mean diameter), as NEURON does`);
    }
  }
  const roots = ordered.filter((s) => !s.contour && s.parent === null);
  if (somas.length === 0) return ordered;
  const centers: number[][] = [];
  const f = Math.fround;
  for (const soma of somas) {
    let xmin: number, xmax: number, ymin: number, ymax: number, center: number[];
    if (soma.stack) {
      // stk_bbox, stk_center: the whole stack's box (no margin), the middle of its centre line
      const all = [soma, ...soma.stack].map(box);
      xmin = Math.min(...all.map((b) => b[0])); ymin = Math.min(...all.map((b) => b[1]));
      xmax = Math.max(...all.map((b) => b[2])); ymax = Math.max(...all.map((b) => b[3]));
      center = stackCenter([soma, ...soma.stack]);
    } else {
      const b = box(soma);
      xmin = b[0] - 0.5; ymin = b[1] - 0.5; xmax = b[2] + 0.5; ymax = b[3] + 0.5;
      center = contourCenter({ x: soma.x, y: soma.y, z: soma.z }).center;
    }
    centers.push(center);
    for (let i = roots.length - 1; i >= 0; i--) {
      const sec = roots[i];
      const x0 = f(sec.x[0]), y0 = f(sec.y[0]);
      if (x0 >= f(xmin) && x0 <= f(xmax) && y0 >= f(ymin) && y0 <= f(ymax)) {
        attach(sec, soma, center);
        roots.splice(i, 1);
      }
    }
  }
  for (const sec of roots) {
    let dmin = 1e9, imin = 0;
    centers.forEach((c, j) => {
      const dx = sec.x[0] - c[0], dy = sec.y[0] - c[1], dz = sec.z[0] - c[2];
      const d = Math.sqrt(dx * dx + dy * dy + dz * dz);
      if (hocLt(d, dmin)) { imin = j; dmin = d; }
    });
    warnings.push(`${file}:${sec.line}: main branch starting here is outside the soma bounding boxes; connected to the centre of the nearest soma, as NEURON does`);
    attach(sec, somas[imin], centers[imin]);
  }
  return ordered;
}

/** x-y bounding box: [xmin, ymin, xmax, ymax]. */
function box(s: RawSection): number[] {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < s.x.length; i++) {
    if (s.x[i] < x0) x0 = s.x[i];
    if (s.x[i] > x1) x1 = s.x[i];
    if (s.y[i] < y0) y0 = s.y[i];
    if (s.y[i] > y1) y1 = s.y[i];
  }
  return [x0, y0, x1, y1];
}

function boxesOverlap(a: number[], b: number[]): boolean {
  return !(hocGt(a[0], b[2]) || hocGt(b[0], a[2]) || hocGt(a[1], b[3]) || hocGt(b[1], a[3]));
}

function attach(sec: RawSection, soma: RawSection, c: number[]): void {
  sec.parent = soma;
  sec.parentX = 0.5;
  sec.x.unshift(c[0]); sec.y.unshift(c[1]); sec.z.unshift(c[2]); sec.d.unshift(0.01);
  sec.first = 1;
}

/**
 * Parse ASC text into NEURON's sections. `file` names the source in messages. `opts.scale`
 * multiplies every coordinate and diameter as read (before NEURON's rules); SWC type filters
 * (keepTypes, dropTypes) do not apply to ASC and are refused.
 */
export function parseAscMorphology(text: string, file = '<input>', opts: LoadOptions = {}): Morphology {
  if ((opts.keepTypes?.length ?? 0) > 0 || (opts.dropTypes?.length ?? 0) > 0) {
    throw new UserError(`${file}: keep/drop types select SWC sample types; they are not supported for Neurolucida ASC files`);
  }
  const scale = opts.scale ?? 1;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new UserError(`scale must be a positive number, got ${scale}`);
  const parsed = parseAsc(text, file);
  if (scale !== 1) {
    for (const s of parsed.sections) {
      for (const v of [s.x, s.y, s.z, s.d]) for (let i = 0; i < v.length; i++) v[i] *= scale;
    }
  }
  const warnings = [...parsed.warnings];
  let secs = connectToSoma(parsed.sections, file, warnings).filter((s) => !s.subsidiary);
  if (secs.length === 0) throw new AscError('no-sections', file, null, 'no soma contour and no tree: nothing to build a morphology from');

  // chk_valid: degenerate sections removed (last to first, roots exempt), children reattached
  const HOC_EPS = 1e-11;
  let removed = 0;
  for (let i = secs.length - 1; i >= 0; i--) {
    const s = secs[i];
    if (s.parent === null) continue;
    const used = s.x.length - s.first;
    const k = s.first;
    const zeroLength = used === 2 && Math.abs(s.x[k] - s.x[k + 1]) < HOC_EPS &&
      Math.abs(s.y[k] - s.y[k + 1]) < HOC_EPS && Math.abs(s.z[k] - s.z[k + 1]) < HOC_EPS;
    if (used > 1 && !zeroLength) continue;
    secs = [...secs.slice(0, i), ...secs.slice(i + 1)];
    for (let j = i; j < secs.length; j++) {
      if (secs[j].parent === s) {
        secs[j].parent = s.parent;
        secs[j].parentX = s.parentX;
      }
    }
    removed++;
  }
  if (removed > 0) {
    warnings.push(`${removed} degenerate section${removed === 1 ? '' : 's'} (one point or zero length) removed and their children reattached, as NEURON does`);
  }

  const index = new Map<RawSection, number>();
  const counters = new Map<number, number>();
  const sections: Section[] = secs.map((s, k) => {
    index.set(s, k);
    const idx = counters.get(s.type) ?? 0;
    counters.set(s.type, idx + 1);
    let x = s.x.slice(s.first), y = s.y.slice(s.first), z = s.z.slice(s.first), d = s.d.slice(s.first);
    if (s.stack) {
      const stack = [s, ...s.stack];
      const err = stackTriangulationError(stack);
      if (err !== null) throw new AscError('unsupported', file, s.line, `soma contour stack: ${err}`);
      const circles = stack.map(approximateContourByCircle);
      x = circles.map((c) => c.center[0]); y = circles.map((c) => c.center[1]);
      z = circles.map((c) => c.center[2]); d = circles.map((c) => c.d);
    } else if (s.contour) {
      const c = contourToCentroid({ x, y, z });
      if (typeof c === 'string') throw new AscError('unsupported', file, s.line, `soma contour: ${c}`);
      ({ x, y, z, d } = c);
    }
    if (d.length === 1) {
      x = [x[0] - d[0] / 2, x[0], x[0] + d[0] / 2];
      y = [y[0], y[0], y[0]]; z = [z[0], z[0], z[0]]; d = [d[0], d[0], d[0]];
    }
    const pts = {
      x: Float64Array.from(x, roundThroughG8Float32), y: Float64Array.from(y, roundThroughG8Float32),
      z: Float64Array.from(z, roundThroughG8Float32), d: Float64Array.from(d, roundThroughG8Float32),
    };
    for (let j = 0; j < pts.x.length; j++) {
      if (!Number.isFinite(pts.x[j] + pts.y[j] + pts.z[j] + pts.d[j])) {
        throw new AscError('not-finite', file, s.line, `section ${typeName(s.type)}[${idx}] has a coordinate or diameter that is not a finite float32 number`);
      }
    }
    const arc = arcLengths(pts);
    const seg = segmentIntegrals(pts, arc, 1);
    return {
      name: `${typeName(s.type)}[${idx}]`, type: s.type,
      parent: s.parent === null ? -1 : index.get(s.parent)!, parentX: s.parent === null ? 0 : s.parentX,
      wire: s.first === 1, ...pts, arc, L_um: sectionLength(arc), area_um2: seg.area_um2[0],
      firstSampleId: s.firstPoint, firstLine: s.line,
    };
  });
  const nSoma = secs.filter((s) => s.contour).length;
  return {
    file, samples: parsed.nPoints, roots: sections.filter((s) => s.parent < 0).length,
    somaRule: nSoma > 0 ? 'contour' : 'no-soma', sections, warnings,
  };
}

/** Read and parse a Neurolucida ASC file. */
export function loadAsc(path: string, opts: LoadOptions = {}): Morphology {
  return parseAscMorphology(readMorphologyText(path), path, opts);
}
