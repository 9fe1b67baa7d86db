/**
 * Segment areas and half-segment resistances of a section without 3-D points, exactly as NEURON 8.2's
 * `nrn_area_ri` computes them (../shared/neuron-numerics.md §2 "Cylinders"):
 *   dx = L/nseg, area = π·diam·dx, r½ = 1e-2·Ra·(dx/2)/(π·diam·diam/4) MΩ (both halves equal).
 */
export interface CylinderSegments {
  area_um2: Float64Array;
  rHalfLeft_MOhm: Float64Array;
  rHalfRight_MOhm: Float64Array;
}

export function cylinderSegments(L_um: number, diam_um: number, nseg: number, Ra_ohm_cm: number): CylinderSegments {
  if (!(L_um > 0 && Number.isFinite(L_um))) throw new RangeError(`cylinderSegments: L must be > 0 µm, got ${L_um}`);
  if (!(diam_um > 0 && Number.isFinite(diam_um))) {
    throw new RangeError(`cylinderSegments: diam must be > 0 µm, got ${diam_um}`);
  }
  if (!Number.isInteger(nseg) || nseg < 1) throw new RangeError(`cylinderSegments: nseg must be an integer >= 1, got ${nseg}`);
  if (!(Ra_ohm_cm > 0 && Number.isFinite(Ra_ohm_cm))) {
    throw new RangeError(`cylinderSegments: Ra must be > 0 Ω·cm, got ${Ra_ohm_cm}`);
  }
  const dx = L_um / nseg;
  const area = Math.PI * diam_um * dx;
  const rHalf = (1e-2 * Ra_ohm_cm * (dx / 2)) / ((Math.PI * diam_um * diam_um) / 4);
  return {
    area_um2: new Float64Array(nseg).fill(area),
    rHalfLeft_MOhm: new Float64Array(nseg).fill(rHalf),
    rHalfRight_MOhm: new Float64Array(nseg).fill(rHalf),
  };
}
