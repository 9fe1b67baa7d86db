/**
 * The two models of Poirazi, Brannon & Mel 2003 (Neuron 37:989), fitted by least squares to a
 * cell's firing rates under many synaptic patterns (src/experiments/two-layer.ts). A pattern is the
 * number of active synapses on each of B branches, n_b. Both models end in the same output
 * nonlinearity where they have one, a sigmoid g(z) = R/(1 + e^(−z)) with a fitted maximum R (the
 * response rises from 0 and saturates):
 *
 * - linear point neuron: rate = c + Σ_b w_b·n_b, a single weighted sum of the inputs (ordinary least
 *   squares); also, as a stronger baseline, the same sum through the output sigmoid, g(c + Σ_b w_b·n_b);
 * - two-layer model: rate = g(c + Σ_b α_b·σ((n_b − θ)/s)), σ(u) = 1/(1 + e^(−u)): every branch a
 *   sigmoidal subunit of its input count (one threshold θ and width s shared by all branches, as
 *   Poirazi et al.'s single subunit nonlinearity), summed with a weight per branch.
 *
 * Fitted by Levenberg–Marquardt with the analytic Jacobian, from several starts. No dependencies;
 * small dense normal equations.
 */

export interface ModelFit {
  /** Parameters: linear [c, w_1..w_B, R]; two-layer [c, α_1..α_B, θ, s, R]. */
  params: number[];
  /** Predictions for the fitted patterns. */
  predicted: number[];
  /** 1 − SSE/SST on the fitted patterns. */
  r2: number;
  sse: number;
}

type Model = (p: readonly number[], n: readonly number[], grad: number[] | null) => number;

function sigmoid(u: number): number {
  return 1 / (1 + Math.exp(-u));
}

/** z = c + Σ w_b n_b, with ∂z/∂p into grad. */
export const linearModel: Model = (p, n, grad) => {
  let z = p[0];
  if (grad) grad[0] = 1;
  for (let b = 0; b < n.length; b++) {
    z += p[1 + b] * n[b];
    if (grad) grad[1 + b] = n[b];
  }
  return z;
};

/** z = c + Σ α_b σ((n_b − θ)/s), with ∂z/∂p into grad. */
export const twoLayerModel: Model = (p, n, grad) => {
  const B = n.length;
  const theta = p[1 + B], s = p[2 + B];
  let z = p[0];
  let dTheta = 0, dS = 0;
  for (let b = 0; b < B; b++) {
    const u = (n[b] - theta) / s;
    const f = sigmoid(u);
    const df = f * (1 - f);
    z += p[1 + b] * f;
    if (grad) grad[1 + b] = f;
    dTheta += p[1 + b] * df * (-1 / s);
    dS += p[1 + b] * df * (-u / s);
  }
  if (grad) {
    grad[0] = 1;
    grad[1 + B] = dTheta;
    grad[2 + B] = dS;
  }
  return z;
};

/** The response a model with the output sigmoid predicts: R·σ(z), R the last parameter. */
export function predict(model: Model, p: readonly number[], n: readonly number[]): number {
  return p[p.length - 1] * sigmoid(model(p, n, null));
}

/** Solve A x = b (A symmetric positive definite after damping) by Gaussian elimination with pivoting. */
function solve(A: number[][], b: number[]): number[] | null {
  const m = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let k = 0; k < m; k++) {
    let piv = k;
    for (let i = k + 1; i < m; i++) if (Math.abs(M[i][k]) > Math.abs(M[piv][k])) piv = i;
    if (!(Math.abs(M[piv][k]) > 1e-300)) return null;
    [M[k], M[piv]] = [M[piv], M[k]];
    for (let i = k + 1; i < m; i++) {
      const f = M[i][k] / M[k][k];
      for (let j = k; j <= m; j++) M[i][j] -= f * M[k][j];
    }
  }
  const x = new Array<number>(m).fill(0);
  for (let i = m - 1; i >= 0; i--) {
    let s = M[i][m];
    for (let j = i + 1; j < m; j++) s -= M[i][j] * x[j];
    x[i] = s / M[i][i];
  }
  return x.every(Number.isFinite) ? x : null;
}

function sseOf(model: Model, p: readonly number[], X: readonly (readonly number[])[], y: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (y[i] - predict(model, p, X[i])) ** 2;
  return s;
}

/**
 * Levenberg–Marquardt on the residuals y − R·σ(z). `positiveFrom`: parameters with an index ≥ it
 * (the subunit width s, the maximum rate R) are kept positive by refusing steps that make them ≤ 1e-3.
 */
export function levenbergMarquardt(
  model: Model, p0: readonly number[], X: readonly (readonly number[])[], y: readonly number[],
  opts: { iterations?: number; positiveFrom?: number } = {},
): number[] {
  const m = p0.length;
  let p = [...p0];
  let sse = sseOf(model, p, X, y);
  let lambda = 1e-3;
  const grad = new Array<number>(m).fill(0);
  for (let it = 0; it < (opts.iterations ?? 200); it++) {
    const JtJ = Array.from({ length: m }, () => new Array<number>(m).fill(0));
    const Jtr = new Array<number>(m).fill(0);
    for (let i = 0; i < y.length; i++) {
      const z = model(p, X[i], grad);
      const f = sigmoid(z);
      const R = p[m - 1];
      // ∂rate/∂p = R·σ′(z)·∂z/∂p for the model's parameters, σ(z) for R
      for (let a = 0; a < m - 1; a++) grad[a] *= R * f * (1 - f);
      grad[m - 1] = f;
      const r = y[i] - R * f;
      for (let a = 0; a < m; a++) {
        Jtr[a] += grad[a] * r;
        for (let b = 0; b <= a; b++) JtJ[a][b] += grad[a] * grad[b];
      }
    }
    for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) JtJ[b][a] = JtJ[a][b];
    let improved = false;
    for (let tries = 0; tries < 12; tries++) {
      const A = JtJ.map((row, i) => row.map((v, j) => (i === j ? v + lambda * (v + 1e-9) : v)));
      const dp = solve(A, Jtr);
      if (dp) {
        const q = p.map((v, i) => v + dp[i]);
        const ok = opts.positiveFrom === undefined || q.slice(opts.positiveFrom).every((v) => v > 1e-3);
        const s2 = ok ? sseOf(model, q, X, y) : Infinity;
        if (s2 < sse) {
          const rel = (sse - s2) / Math.max(sse, 1e-300);
          p = q;
          sse = s2;
          lambda = Math.max(lambda / 3, 1e-12);
          improved = true;
          if (rel < 1e-10) return p;
          break;
        }
      }
      lambda *= 4;
    }
    if (!improved) break;
  }
  return p;
}

function r2Of(y: readonly number[], pred: readonly number[]): { r2: number; sse: number } {
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  let sse = 0, sst = 0;
  for (let i = 0; i < y.length; i++) {
    sse += (y[i] - pred[i]) ** 2;
    sst += (y[i] - my) ** 2;
  }
  return { r2: sst > 0 ? 1 - sse / sst : NaN, sse };
}

function logit(q: number): number {
  const c = Math.min(Math.max(q, 1e-3), 1 - 1e-3);
  return Math.log(c / (1 - c));
}

/** Fit the linear point neuron, y = c + Σ w_b n_b, by ordinary least squares. Parameters [c, w_1..w_B]. */
export function fitLinear(X: readonly (readonly number[])[], y: readonly number[]): ModelFit {
  const m = X[0].length + 1;
  const A = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  const b = new Array<number>(m).fill(0);
  for (let i = 0; i < y.length; i++) {
    const row = [1, ...X[i]];
    for (let a = 0; a < m; a++) {
      b[a] += row[a] * y[i];
      for (let c = 0; c < m; c++) A[a][c] += row[a] * row[c];
    }
  }
  // a tiny ridge keeps the system solvable when a branch never gets input in the fitted patterns
  for (let a = 1; a < m; a++) A[a][a] += 1e-9 * (A[a][a] + 1);
  const p = solve(A, b) ?? new Array<number>(m).fill(NaN);
  const predicted = X.map((n) => predictLinear(p, n));
  return { params: p, predicted, ...r2Of(y, predicted) };
}

/** The linear point neuron's prediction c + Σ w_b n_b. */
export function predictLinear(p: readonly number[], n: readonly number[]): number {
  return linearModel(p, n, null);
}

/** Fit the point neuron with the output sigmoid, R·σ(c + Σ w_b n_b). Parameters [c, w_1..w_B, R]. */
export function fitLinearSigmoid(X: readonly (readonly number[])[], y: readonly number[]): ModelFit {
  const B = X[0].length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  const nMean = X.flat().reduce((a, b) => a + b, 0) / (X.length * B);
  let best: number[] | null = null;
  let bestSse = Infinity;
  for (const rFactor of [1.1, 1.5]) {
    for (const w of [0.05, 0.2]) {
      const R = rFactor * Math.max(...y, 1e-9);
      const p0 = [logit(my / R) - w * B * nMean, ...new Array<number>(B).fill(w), R];
      const p = levenbergMarquardt(linearModel, p0, X, y, { positiveFrom: 1 + B });
      const sse = sseOf(linearModel, p, X, y);
      if (sse < bestSse) {
        best = p;
        bestSse = sse;
      }
    }
  }
  const p = best!;
  const predicted = X.map((n) => predict(linearModel, p, n));
  return { params: p, predicted, ...r2Of(y, predicted) };
}

/** Fit the two-layer model from several starts: θ over the lower half of the counts' range, s 1–8 pairs. */
export function fitTwoLayer(X: readonly (readonly number[])[], y: readonly number[]): ModelFit {
  const B = X[0].length;
  const nMax = Math.max(...X.flat());
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  const R = 1.1 * Math.max(...y, 1e-9);
  let best: number[] | null = null;
  let bestSse = Infinity;
  for (const frac of [0.05, 0.15, 0.3, 0.5]) {
    for (const s of [1, 3, 8]) {
      for (const alpha of [1, 3]) {
        const p0 = [logit(my / R) - 0.5 * alpha * B, ...new Array<number>(B).fill(alpha), frac * nMax, s, R];
        const p = levenbergMarquardt(twoLayerModel, p0, X, y, { positiveFrom: 1 + B + 1 });
        const sse = sseOf(twoLayerModel, p, X, y);
        if (sse < bestSse) {
          best = p;
          bestSse = sse;
        }
      }
    }
  }
  const p = best!;
  const predicted = X.map((n) => predict(twoLayerModel, p, n));
  return { params: p, predicted, ...r2Of(y, predicted) };
}

/**
 * Cross-validated r²: the patterns split into `folds` interleaved parts, each predicted by the
 * model fitted to the others; r² of all held-out predictions together.
 */
export function crossValidatedR2(
  fit: (X: readonly (readonly number[])[], y: readonly number[]) => ModelFit,
  predictFn: (p: readonly number[], n: readonly number[]) => number,
  X: readonly (readonly number[])[], y: readonly number[], folds: number,
): number {
  const pred = new Array<number>(y.length).fill(NaN);
  for (let f = 0; f < folds; f++) {
    const train = X.map((_, i) => i).filter((i) => i % folds !== f);
    const fitted = fit(train.map((i) => X[i]), train.map((i) => y[i]));
    for (let i = f; i < y.length; i += folds) pred[i] = predictFn(fitted.params, X[i]);
  }
  return r2Of(y, pred).r2;
}
