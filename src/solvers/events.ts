/**
 * Events: spike sources, threshold detectors, connections (NEURON's NetCon) and the queue that
 * delivers them to point processes with a NET_RECEIVE (`Mechanism.netReceive`), in NEURON 8.2's
 * fixed-step order (../shared/neuron-numerics.md §5 steps 1 and 9, §9).
 *
 * - Delivery: an event at time τ reaches its target just before the current assembly of the first
 *   step n with τ ≤ t_n + dt/2 (`beginStep`), or, if τ ≤ t_{n+1}, already at the end of step n,
 *   after recording (`endStep`). Both give the same trace; the second matters for what is recorded
 *   at the last step. During delivery the mechanism sees ctx.t = τ. Events at τ ≤ 0 are delivered
 *   in `initialize` (finitialize), after the INITIAL blocks and before the one current evaluation.
 * - Threshold detection (NEURON's PreSyn, fixed step): at the start of every step, before
 *   delivery, v(t_n) − threshold > 0 at a disarmed detector emits a spike at t_n + 1e-10 and arms
 *   it; v(t_n) − threshold ≤ 0 disarms it. Detectors start disarmed. Each connection from the
 *   detector then gets an event at (t_n + 1e-10) + delay.
 * - Spike sources are trains known before the run, generated in NEURON's arithmetic:
 *   `explicit` (VecStim: τ_0 = e_0, τ_k = τ_{k−1} + (e_k − τ_{k−1})), `regular` (NetStim with
 *   noise 0: τ_0 = max(0, (start + interval) − interval), τ_k = τ_{k−1} + interval, `number`
 *   spikes; no spikes if start < 0) and `poisson` (Dendrite's own, see `poissonTrain`). Like
 *   NEURON's artificial cells, a source spike is itself an event: when it is delivered (same rule
 *   as above) the spike is recorded and every connection from it gets an event at τ + delay.
 *   So an event reaches a synapse at spike time + delay, exactly as with NetStim → NetCon.
 *
 * The queue is a binary heap over typed arrays ordered by (time, insertion number), sized before
 * the run from the sources, delays and dt so that it does not grow; nothing is allocated per step.
 */
import { uniformGenerator } from '../channels/random.ts';
import type { MechanismContext } from '../channels/mechanism.ts';
import type { BoundMechanism } from './cpu.ts';
import { SimulationSpecError } from './errors.ts';

// ---------------------------------------------------------------------------------------------
// Request (library API) and validation

/** A spike train known before the run. Times in ms. */
export type SpikeSourceSpec =
  | { type: 'explicit'; label?: string; times_ms: ArrayLike<number> }
  | { type: 'regular'; label?: string; start_ms: number; interval_ms: number; number: number }
  | { type: 'poisson'; label?: string; rate_Hz: number; start_ms: number; stop_ms: number; seed: number };

/** Threshold detection on the membrane potential of a node (NEURON `NetCon(&v(x), ...)`). */
export interface DetectorSpec {
  node: number;
  threshold_mV: number;
  label?: string;
}

/** A connection from a source or a detector to one instance of a point process with NET_RECEIVE. */
export interface ConnectionSpec {
  /** `{ source: k }` indexes `sources`, `{ detector: k }` indexes `detectors`. */
  from: { source: number } | { detector: number };
  /** `mechanism` indexes the request's `mechanisms`; `instance` the instance within that use. */
  to: { mechanism: number; instance: number };
  /** ≥ 0 ms. */
  delay_ms: number;
  /** NetCon weight (µS for Dendrite's synapses; mechanisms whose NET_RECEIVE ignores it accept any value). */
  weight: number;
}

export interface EventsRequest {
  sources?: readonly SpikeSourceSpec[];
  detectors?: readonly DetectorSpec[];
  connections?: readonly ConnectionSpec[];
}

/** Validated events, with every source's spike train generated. */
export interface CompiledEvents {
  readonly sourceLabels: readonly string[];
  /** Spike times of each source up to the end of the run (times past it are dropped). */
  readonly trains: readonly Float64Array[];
  readonly detectorNode: Int32Array;
  readonly detectorThreshold: Float64Array;
  readonly detectorLabels: readonly string[];
  /** Per connection: source index (≥ 0) or −(detector + 1). */
  readonly connFrom: Int32Array;
  /** Per connection: position of the target use in `CompiledModel.mechanisms`, and the instance. */
  readonly connUse: Int32Array;
  readonly connInstance: Int32Array;
  readonly connDelay: Float64Array;
  readonly connWeight: Float64Array;
}

function finiteAt(path: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new SimulationSpecError(path, `expected a finite number, got ${String(x)}`);
  return x;
}

/**
 * Validate the events of a request. `useInfo(u)` gives, for use u of the request's `mechanisms`,
 * its position in the compiled (sorted) list, its instance count and whether it has a NET_RECEIVE.
 * `tEnd_ms` bounds the generated trains (the model passes tstop + dt: later spikes are never delivered).
 */
export function compileEvents(
  req: EventsRequest,
  nNodes: number,
  nUses: number,
  useInfo: (u: number) => { position: number; count: number; name: string; receives: boolean },
  tEnd_ms: number,
): CompiledEvents {
  const sources = req.sources ?? [];
  const detectors = req.detectors ?? [];
  const connections = req.connections ?? [];
  const trains = sources.map((s, k) => spikeTrain(s, tEnd_ms, `events.sources[${k}]`));
  const sourceLabels = sources.map((s, k) => s.label ?? `source[${k}]`);
  const detectorNode = new Int32Array(detectors.length);
  const detectorThreshold = new Float64Array(detectors.length);
  detectors.forEach((d, k) => {
    const p = `events.detectors[${k}]`;
    if (!Number.isInteger(d.node) || d.node < 0 || d.node >= nNodes) {
      throw new SimulationSpecError(`${p}.node`, `expected a node index in 0..${nNodes - 1}, got ${String(d.node)}`);
    }
    detectorNode[k] = d.node;
    detectorThreshold[k] = finiteAt(`${p}.threshold_mV`, d.threshold_mV);
  });
  const detectorLabels = detectors.map((d, k) => d.label ?? `detector[${k}]`);
  const n = connections.length;
  const connFrom = new Int32Array(n);
  const connUse = new Int32Array(n);
  const connInstance = new Int32Array(n);
  const connDelay = new Float64Array(n);
  const connWeight = new Float64Array(n);
  connections.forEach((c, k) => {
    const p = `events.connections[${k}]`;
    if ('source' in c.from) {
      const s = c.from.source;
      if (!Number.isInteger(s) || s < 0 || s >= sources.length) {
        throw new SimulationSpecError(`${p}.from.source`, `expected 0..${sources.length - 1}, got ${String(s)}`);
      }
      connFrom[k] = s;
    } else {
      const d = c.from.detector;
      if (!Number.isInteger(d) || d < 0 || d >= detectors.length) {
        throw new SimulationSpecError(`${p}.from.detector`, `expected 0..${detectors.length - 1}, got ${String(d)}`);
      }
      connFrom[k] = -(d + 1);
    }
    const u = c.to.mechanism;
    if (!Number.isInteger(u) || u < 0 || u >= nUses) {
      throw new SimulationSpecError(`${p}.to.mechanism`, `expected 0..${nUses - 1}, got ${String(u)}`);
    }
    const info = useInfo(u);
    if (!info.receives) {
      throw new SimulationSpecError(`${p}.to.mechanism`, `${info.name} has no NET_RECEIVE: it cannot be the target of a connection`);
    }
    if (!Number.isInteger(c.to.instance) || c.to.instance < 0 || c.to.instance >= info.count) {
      throw new SimulationSpecError(`${p}.to.instance`, `expected 0..${info.count - 1}, got ${String(c.to.instance)}`);
    }
    connUse[k] = info.position;
    connInstance[k] = c.to.instance;
    const delay = finiteAt(`${p}.delay_ms`, c.delay_ms);
    if (delay < 0) throw new SimulationSpecError(`${p}.delay_ms`, `expected >= 0, got ${delay}`);
    connDelay[k] = delay;
    connWeight[k] = finiteAt(`${p}.weight`, c.weight);
  });
  return { sourceLabels, trains, detectorNode, detectorThreshold, detectorLabels, connFrom, connUse, connInstance, connDelay, connWeight };
}

// ---------------------------------------------------------------------------------------------
// Spike trains

/** Largest number of spikes one source may generate within a run. */
export const MAX_TRAIN_SPIKES = 50_000_000;

/**
 * The spike times of a source that can occur up to `tEnd_ms` (inclusive), in NEURON's arithmetic
 * for explicit (VecStim) and regular (NetStim, noise 0) trains.
 */
export function spikeTrain(s: SpikeSourceSpec, tEnd_ms: number, path = 'source'): Float64Array {
  const out: number[] = [];
  const push = (t: number) => {
    if (out.length >= MAX_TRAIN_SPIKES) throw new SimulationSpecError(path, `more than ${MAX_TRAIN_SPIKES} spikes before the end of the run`);
    out.push(t);
  };
  if (s.type === 'explicit') {
    const e = s.times_ms;
    let prev = 0;
    for (let k = 0; k < e.length; k++) {
      const x = finiteAt(`${path}.times_ms[${k}]`, e[k]);
      if (x < 0) throw new SimulationSpecError(`${path}.times_ms[${k}]`, `expected a time >= 0, got ${x}`);
      if (k > 0 && x < e[k - 1]) {
        throw new SimulationSpecError(`${path}.times_ms[${k}]`, `times must not decrease (${x} after ${e[k - 1]})`);
      }
      // VecStim: net_send(etime − t) from the previous delivery time t.
      const t = prev + (x - prev);
      if (t > tEnd_ms) break;
      push(t);
      prev = t;
    }
  } else if (s.type === 'regular') {
    const start = finiteAt(`${path}.start_ms`, s.start_ms);
    const interval = finiteAt(`${path}.interval_ms`, s.interval_ms);
    const number = finiteAt(`${path}.number`, s.number);
    if (!(interval > 0)) throw new SimulationSpecError(`${path}.interval_ms`, `expected > 0, got ${interval}`);
    if (!Number.isInteger(number) || number < 0) throw new SimulationSpecError(`${path}.number`, `expected an integer >= 0, got ${number}`);
    if (start >= 0 && number > 0) {
      // NetStim INITIAL: event = start + invl(interval) − interval·(1 − noise), noise = 0.
      let t = start + interval - interval * (1.0 - 0);
      if (t < 0) t = 0;
      for (let k = 0; k < number && t <= tEnd_ms; k++) {
        push(t);
        t = t + interval;
      }
    }
  } else if (s.type === 'poisson') {
    const rate = finiteAt(`${path}.rate_Hz`, s.rate_Hz);
    const start = finiteAt(`${path}.start_ms`, s.start_ms);
    const stop = finiteAt(`${path}.stop_ms`, s.stop_ms);
    const seed = finiteAt(`${path}.seed`, s.seed);
    if (rate < 0) throw new SimulationSpecError(`${path}.rate_Hz`, `expected >= 0, got ${rate}`);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new SimulationSpecError(`${path}.seed`, `expected an integer in 0..4294967295, got ${seed}`);
    }
    // The train is a prefix of the full one on [start, stop): cutting it at the end of the run
    // changes no spike time.
    const times = poissonTrain(rate, start, Math.min(stop, tEnd_ms + 1), seed);
    for (let k = 0; k < times.length; k++) if (times[k] <= tEnd_ms) push(times[k]);
  } else {
    throw new SimulationSpecError(`${path}.type`, `expected "explicit", "regular" or "poisson", got ${String((s as { type: unknown }).type)}`);
  }
  return Float64Array.from(out);
}

export { uniformGenerator };

/**
 * A homogeneous Poisson train on [start, stop): inter-spike intervals −ln(1 − u)·(1000/rate) ms
 * with u from `uniformGenerator(seed)`, accumulated from `start` (τ_0 = start + isi_0,
 * τ_k = τ_{k−1} + isi_k), kept while τ < stop — as Gidon et al.'s `get_tplay` builds its trains
 * from negexp intervals, with our own generator. Rate 0 gives no spikes.
 */
export function poissonTrain(rate_Hz: number, start_ms: number, stop_ms: number, seed: number): Float64Array {
  const out: number[] = [];
  if (!(rate_Hz > 0) || !(stop_ms > start_ms)) return new Float64Array(0);
  const u = uniformGenerator(seed);
  const mean = 1000 / rate_Hz;
  let t = start_ms;
  for (;;) {
    t += -Math.log(1 - u()) * mean;
    if (!(t < stop_ms)) break;
    if (out.length >= MAX_TRAIN_SPIKES) throw new SimulationSpecError('poisson', `more than ${MAX_TRAIN_SPIKES} spikes`);
    out.push(t);
  }
  return Float64Array.from(out);
}

// ---------------------------------------------------------------------------------------------
// The queue

/** Min-heap of (time, insertion number) with an integer payload, over typed arrays. */
export class EventQueue {
  private time: Float64Array;
  private seq: Float64Array;
  private what: Int32Array;
  private n = 0;
  private counter = 0;

  constructor(capacity: number) {
    const c = Math.max(16, capacity | 0);
    this.time = new Float64Array(c);
    this.seq = new Float64Array(c);
    this.what = new Int32Array(c);
  }

  get size(): number {
    return this.n;
  }

  get capacity(): number {
    return this.time.length;
  }

  clear(): void {
    this.n = 0;
    this.counter = 0;
  }

  /** Time of the earliest event (Infinity when empty). */
  peekTime(): number {
    return this.n > 0 ? this.time[0] : Infinity;
  }

  /** Payload of the earliest event (call only when not empty). */
  peekWhat(): number {
    return this.what[0];
  }

  push(t: number, what: number): void {
    if (this.n === this.time.length) this.grow();
    const time = this.time;
    const seq = this.seq;
    const w = this.what;
    const s = this.counter++;
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (time[p] < t || (time[p] === t && seq[p] < s)) break;
      time[i] = time[p];
      seq[i] = seq[p];
      w[i] = w[p];
      i = p;
    }
    time[i] = t;
    seq[i] = s;
    w[i] = what;
  }

  /** Remove the earliest event. */
  pop(): void {
    const n = --this.n;
    if (n <= 0) return;
    const time = this.time;
    const seq = this.seq;
    const w = this.what;
    const t = time[n];
    const s = seq[n];
    const x = w[n];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (time[r] < time[c] || (time[r] === time[c] && seq[r] < seq[c]))) c = r;
      if (t < time[c] || (t === time[c] && s < seq[c])) break;
      time[i] = time[c];
      seq[i] = seq[c];
      w[i] = w[c];
      i = c;
    }
    time[i] = t;
    seq[i] = s;
    w[i] = x;
  }

  /** Only if the size estimate was exceeded (not expected): double the arrays. */
  private grow(): void {
    const c = this.time.length * 2;
    const t = new Float64Array(c);
    const s = new Float64Array(c);
    const w = new Int32Array(c);
    t.set(this.time);
    s.set(this.seq);
    w.set(this.what);
    this.time = t;
    this.seq = s;
    this.what = w;
  }
}

// ---------------------------------------------------------------------------------------------
// The runtime: what the step loop calls

/** Spikes recorded during a run: one entry per source, then one per detector. */
export interface SpikeRecord {
  label: string;
  kind: 'source' | 'detector';
  t_ms: Float64Array;
}

/** Most events that can be pending at once for a connection from a known train with this delay. */
function maxInFlight(train: Float64Array, window: number): number {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < train.length; hi++) {
    while (train[hi] - train[lo] > window) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

export class EventRuntime {
  private readonly queue: EventQueue;
  private readonly v: Float64Array;
  private readonly targets: readonly BoundMechanism[];
  private readonly ev: CompiledEvents;
  /** Connections of each source / detector (CSR). */
  private readonly srcStart: Int32Array;
  private readonly srcConn: Int32Array;
  private readonly detStart: Int32Array;
  private readonly detConn: Int32Array;
  private readonly cursor: Int32Array;
  private readonly armed: Uint8Array;
  private readonly detSpikes: Float64Array[];
  private readonly detCount: Int32Array;
  private readonly srcCount: Int32Array;

  /**
   * `mechanisms` are the bound mechanisms in compiled order (connection targets index them);
   * `tstop` and `dt` size the detector spike records and the queue.
   */
  constructor(ev: CompiledEvents, mechanisms: readonly BoundMechanism[], v: Float64Array, tstop: number, dt: number) {
    const steps = Math.ceil(tstop / dt) + 2;
    this.ev = ev;
    this.v = v;
    this.targets = mechanisms;
    const nSrc = ev.trains.length;
    const nDet = ev.detectorNode.length;
    const csr = (count: number, key: (c: number) => number) => {
      const start = new Int32Array(count + 1);
      const nc = ev.connFrom.length;
      for (let c = 0; c < nc; c++) {
        const k = key(c);
        if (k >= 0) start[k + 1]++;
      }
      for (let k = 0; k < count; k++) start[k + 1] += start[k];
      const list = new Int32Array(start[count]);
      const fill = start.slice(0, count);
      for (let c = 0; c < nc; c++) {
        const k = key(c);
        if (k >= 0) list[fill[k]++] = c;
      }
      return { start, list };
    };
    const s = csr(nSrc, (c) => ev.connFrom[c]);
    this.srcStart = s.start;
    this.srcConn = s.list;
    const d = csr(nDet, (c) => (ev.connFrom[c] < 0 ? -ev.connFrom[c] - 1 : -1));
    this.detStart = d.start;
    this.detConn = d.list;
    for (let c = 0; c < ev.connUse.length; c++) {
      if (mechanisms[ev.connUse[c]].mechanism.netReceive === undefined) {
        throw new SimulationSpecError(`events.connections[${c}]`, 'the target has no NET_RECEIVE');
      }
    }
    this.cursor = new Int32Array(nSrc);
    this.armed = new Uint8Array(nDet);
    // A detector spikes at most every other step.
    const perDetector = Math.floor((steps + 1) / 2) + 2;
    this.detSpikes = Array.from({ length: nDet }, () => new Float64Array(perDetector));
    this.detCount = new Int32Array(nDet);
    this.srcCount = new Int32Array(nSrc);
    // Queue size: one pending spike per source, plus every connection's events in flight.
    let cap = nSrc + 16;
    for (let c = 0; c < ev.connFrom.length; c++) {
      const f = ev.connFrom[c];
      const window = ev.connDelay[c] + dt;
      cap += f >= 0 ? maxInFlight(ev.trains[f], window) + 1 : Math.ceil(window / (2 * dt)) + 2;
    }
    this.queue = new EventQueue(cap);
  }

  /** Size of the preallocated queue (it only grows if the estimate made here was too small). */
  get queueCapacity(): number {
    return this.queue.capacity;
  }

  /** finitialize: clear, disarm, schedule every source's first spike, deliver what is due at t ≤ 0. */
  initialize(ctx: MechanismContext): void {
    this.queue.clear();
    this.armed.fill(0);
    this.detCount.fill(0);
    this.srcCount.fill(0);
    this.cursor.fill(0);
    const trains = this.ev.trains;
    for (let s = 0; s < trains.length; s++) {
      if (trains[s].length > 0) {
        this.queue.push(trains[s][0], -(s + 1));
        this.cursor[s] = 1;
      }
    }
    this.deliver(ctx, ctx.t);
  }

  /** Step 1: threshold detection on v(t_n), then delivery of every event with τ ≤ t_n + dt/2. */
  beginStep(ctx: MechanismContext): void {
    const t = ctx.t;
    const nDet = this.armed.length;
    if (nDet > 0) {
      const v = this.v;
      const node = this.ev.detectorNode;
      const thr = this.ev.detectorThreshold;
      const armed = this.armed;
      for (let k = 0; k < nDet; k++) {
        if (v[node[k]] - thr[k] > 0) {
          if (armed[k] === 0) {
            armed[k] = 1;
            const ts = t + 1e-10;
            this.detSpikes[k][this.detCount[k]++] = ts;
            const delay = this.ev.connDelay;
            for (let j = this.detStart[k]; j < this.detStart[k + 1]; j++) {
              const c = this.detConn[j];
              this.queue.push(ts + delay[c], c);
            }
          }
        } else {
          armed[k] = 0;
        }
      }
    }
    if (this.queue.size > 0) this.deliver(ctx, t + 0.5 * ctx.dt);
  }

  /** Step 9 (after recording): delivery of every event with τ ≤ t_{n+1}. */
  endStep(ctx: MechanismContext): void {
    if (this.queue.size > 0) this.deliver(ctx, ctx.t);
  }

  private deliver(ctx: MechanismContext, til: number): void {
    const q = this.queue;
    if (!(q.peekTime() <= til)) return;
    const tSave = ctx.t;
    const ev = this.ev;
    while (q.size > 0 && q.peekTime() <= til) {
      const tau = q.peekTime();
      const what = q.peekWhat();
      q.pop();
      if (what >= 0) {
        const bm = this.targets[ev.connUse[what]];
        ctx.t = tau;
        bm.mechanism.netReceive!(bm.instance, ev.connInstance[what], ev.connWeight[what], ctx);
      } else {
        // A source spike: record it, send it along every connection, schedule the next one.
        const s = -what - 1;
        this.srcCount[s]++;
        const delay = ev.connDelay;
        for (let j = this.srcStart[s]; j < this.srcStart[s + 1]; j++) {
          const c = this.srcConn[j];
          q.push(tau + delay[c], c);
        }
        const train = ev.trains[s];
        const k = this.cursor[s];
        if (k < train.length) {
          q.push(train[k], what);
          this.cursor[s] = k + 1;
        }
      }
    }
    ctx.t = tSave;
  }

  /** The spikes delivered so far (sources: their spike times; detectors: t_n + 1e-10). */
  spikes(): SpikeRecord[] {
    const out: SpikeRecord[] = [];
    this.ev.trains.forEach((train, s) => {
      out.push({ label: this.ev.sourceLabels[s], kind: 'source', t_ms: train.slice(0, this.srcCount[s]) });
    });
    this.detSpikes.forEach((arr, k) => {
      out.push({ label: this.ev.detectorLabels[k], kind: 'detector', t_ms: arr.slice(0, this.detCount[k]) });
    });
    return out;
  }
}
