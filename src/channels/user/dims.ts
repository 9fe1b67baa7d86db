/**
 * Physical dimensions for the unit check of user mechanisms: a dimension vector over mathjs's nine
 * base quantities (mass, length, time, current, temperature, luminous intensity, amount, angle,
 * bit) and a scale, the size of the unit in SI base units (mV → 1e-3 kg·m²/(A·s³)).
 *
 * Every value a compiled expression computes is a plain double `x` standing for the quantity
 * x·unit; the compiler tracks `unit` statically and inserts a conversion factor only where two
 * scales meet (a sum, a comparison, a declared unit), so expressions written in NEURON's units
 * compile to exactly the arithmetic written.
 */

export const BASE_NAMES = ['kg', 'm', 's', 'A', 'K', 'cd', 'mol', 'rad', 'bit'] as const;

export interface Dim {
  /** Exponents of the nine base quantities (may be fractional after sqrt). */
  readonly d: readonly number[];
  /** Size of the unit in SI base units. */
  readonly s: number;
}

export const ONE: Dim = { d: [0, 0, 0, 0, 0, 0, 0, 0, 0], s: 1 };

export function dim(d: readonly number[], s: number): Dim {
  return { d: d.map((x) => (Object.is(x, -0) ? 0 : x)), s };
}

export function mul(a: Dim, b: Dim): Dim {
  return dim(a.d.map((x, i) => x + b.d[i]), a.s * b.s);
}

export function div(a: Dim, b: Dim): Dim {
  return dim(a.d.map((x, i) => x - b.d[i]), a.s / b.s);
}

export function pow(a: Dim, p: number): Dim {
  return dim(a.d.map((x) => x * p), Math.pow(a.s, p));
}

export function sameDims(a: Dim, b: Dim): boolean {
  for (let i = 0; i < a.d.length; i++) if (Math.abs(a.d[i] - b.d[i]) > 1e-12) return false;
  return true;
}

export function isDimensionless(a: Dim): boolean {
  return a.d.every((x) => Math.abs(x) <= 1e-12);
}

/**
 * The factor f with (x in unit `from`) = (x·f in unit `to`), for units of the same dimension.
 * Rounded to 15 significant digits, so decimal prefixes give decimal factors (mA/cm² → mA/cm² is
 * exactly 1, not 1.0000000000000002).
 */
export function factor(from: Dim, to: Dim): number {
  const f = from.s / to.s;
  return Number(f.toPrecision(15));
}

/** NEURON's units by name, used to print a dimension the way a mechanism author writes it. */
const KNOWN: readonly [string, Dim][] = [
  ['1', ONE],
  ['mV', dim([1, 2, -3, -1, 0, 0, 0, 0, 0], 1e-3)],
  ['ms', dim([0, 0, 1, 0, 0, 0, 0, 0, 0], 1e-3)],
  ['1/ms', dim([0, 0, -1, 0, 0, 0, 0, 0, 0], 1e3)],
  ['mA/cm2', dim([0, -2, 0, 1, 0, 0, 0, 0, 0], 10)],
  ['S/cm2', dim([-1, -4, 3, 2, 0, 0, 0, 0, 0], 1e4)],
  ['mM', dim([0, -3, 0, 0, 0, 0, 1, 0, 0], 1)],
  ['nA', dim([0, 0, 0, 1, 0, 0, 0, 0, 0], 1e-9)],
  ['uS', dim([-1, -2, 3, 2, 0, 0, 0, 0, 0], 1e-6)],
  ['um', dim([0, 1, 0, 0, 0, 0, 0, 0, 0], 1e-6)],
  ['uF/cm2', dim([-1, -4, 4, 2, 0, 0, 0, 0, 0], 1e-2)],
  ['1/mV', dim([-1, -2, 3, 1, 0, 0, 0, 0, 0], 1e3)],
  ['mV/ms', dim([1, 2, -4, -1, 0, 0, 0, 0, 0], 1)],
  ['mM/ms', dim([0, -3, -1, 0, 0, 0, 1, 0, 0], 1e3)],
  ['ohm cm', dim([1, 3, -3, -2, 0, 0, 0, 0, 0], 1e-2)],
  ['mV ms', dim([1, 2, -2, -1, 0, 0, 0, 0, 0], 1e-6)],
  ['S/cm2/mV', dim([-2, -6, 6, 3, 0, 0, 0, 0, 0], 1e7)],
];

/** What kind of quantity a NEURON unit measures (for messages). */
export const QUANTITY_NAMES: Readonly<Record<string, string>> = {
  '1': 'dimensionless number',
  mV: 'voltage',
  ms: 'time',
  '1/ms': 'rate',
  'mA/cm2': 'current density',
  'S/cm2': 'conductance density',
  mM: 'concentration',
  nA: 'current',
  uS: 'conductance',
  um: 'length',
};

function fmtNumber(x: number): string {
  return String(Number(x.toPrecision(6)));
}

/** A readable name for a unit: "mV", "0.001 mA/cm2", or SI base units for anything unusual. */
export function formatDim(a: Dim): string {
  for (const [name, k] of KNOWN) {
    if (sameDims(a, k)) {
      const f = factor(a, k);
      if (f === 1) return name === '1' ? 'dimensionless' : name;
      return name === '1' ? `dimensionless (×${fmtNumber(f)})` : `${fmtNumber(f)} ${name}`;
    }
  }
  const num: string[] = [];
  const den: string[] = [];
  a.d.forEach((x, i) => {
    if (Math.abs(x) <= 1e-12) return;
    const p = Math.abs(x);
    const s = p === 1 ? BASE_NAMES[i] : `${BASE_NAMES[i]}^${Number(p.toPrecision(6))}`;
    (x > 0 ? num : den).push(s);
  });
  const body = `${num.join(' ') || '1'}${den.length ? ' / ' + (den.length > 1 ? `(${den.join(' ')})` : den[0]) : ''}`;
  return a.s === 1 ? body : `${fmtNumber(a.s)} ${body}`;
}

/** "in mV", "dimensionless" — for messages of the form `"x" is …`, `must be …`. */
export function inUnit(a: Dim): string {
  const f = formatDim(a);
  return f.startsWith('dimensionless') ? f : `in ${f}`;
}
