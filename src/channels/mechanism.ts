/**
 * The mechanism interface: a description (plain data, what listings and validation read) plus
 * kernels that operate on one structure-of-arrays instance block.
 *
 * Conventions (NEURON units, ../shared/neuron-numerics.md §1 and §4):
 * - density mechanisms: parameters per unit area (S/cm², mA/cm²), current in mA/cm²;
 * - point processes: current in nA, conductance in µS; the kernel scales by 100/area itself;
 * - a kernel adds its current I to the right-hand side as `rhs[node] -= I` (ELECTRODE_CURRENT:
 *   `rhs[node] += I`) and its conductance dI/dv, computed by NEURON's finite difference
 *   (I(v + 0.001) − I(v))/0.001, as `d[node] += g` (ELECTRODE_CURRENT: `d[node] -= g`);
 * - ionic currents are also added to the ion's per-node total (`ion.i`, `ion.didv`);
 * - `advance` integrates states over one dt with the new v (NEURON's SOLVE block, §5 step 7).
 *
 * There is one instance block per use of a mechanism: `count` instances, instance k sits on node
 * `nodes[k]`, and every per-instance quantity is a Float64Array of length `count` (`vars`).
 * The engine owns the storage: `instantiate` takes every per-instance array it keeps from
 * `init.storage` (a single run's slabs, a batch's WebAssembly memory; src/solvers/storage.ts).
 * Kernels allocate nothing and never close over per-step data.
 *
 * Extension points for later mechanisms (not used by pas/hh/IClamp): ions already carry
 * concentrations (`ci`, `co`) that a mechanism may WRITE; events (NET_RECEIVE) and BEFORE BREAKPOINT
 * hooks will be further optional kernels here, called by the step loop at the places
 * ../shared/neuron-numerics.md §5 gives them.
 */

/** A named quantity with its unit, for listings and probe validation. */
export interface QuantitySpec {
  readonly name: string;
  readonly unit: string;
  readonly description?: string;
}

/** A settable parameter: default and allowed range (inclusive; omitted bound = unbounded). */
export interface ParamSpec extends QuantitySpec {
  readonly default: number;
  readonly min?: number;
  readonly max?: number;
}

export interface IonUse {
  /** Ion name, e.g. `na`, `k`, `ca`. */
  readonly ion: string;
  /** Ion variables read, e.g. `['ena']`. */
  readonly read: readonly string[];
  /** Ion variables written, e.g. `['ina']`. */
  readonly write: readonly string[];
}

export interface MechanismDescription {
  readonly name: string;
  readonly kind: 'density' | 'point';
  /** One-line summary for listings. */
  readonly summary: string;
  /** Where the equations come from. */
  readonly source: string;
  /**
   * Evaluation order within a node (NEURON's mechanism type number: pas 4, IClamp 7, hh 17).
   * Only rounding depends on it.
   */
  readonly order: number;
  /** Per-instance parameters (NMODL RANGE PARAMETERs); may differ between instances. */
  readonly params: readonly ParamSpec[];
  /** Per-use settings (NMODL GLOBALs such as `usetable`); one value for a whole instance block. */
  readonly globals: readonly ParamSpec[];
  readonly states: readonly QuantitySpec[];
  /** Computed per-instance quantities (currents, conductances). */
  readonly assigned: readonly QuantitySpec[];
  readonly ions: readonly IonUse[];
  /** NMODL ELECTRODE_CURRENT: positive current depolarises (IClamp, SEClamp). */
  readonly electrode: boolean;
  /**
   * Optional, default false. True when the conductance this mechanism adds to `d` is the same at
   * every step (it depends on no state, on neither v nor t, e.g. pas and IClamp). When every
   * mechanism of a model says so, the engine factorises the matrix once and from then on gives
   * `current` a scratch `d` whose contents it ignores.
   */
  readonly constantConductance?: boolean;
  /**
   * Point processes with a NET_RECEIVE block (synapses): how the connection weight is used.
   * `uS`: the weight scales the conductance (Exp2Syn, AMPA, NMDA, GABAA); `ignored`: the
   * mechanism's NET_RECEIVE does not read it (Gidon 2020's myAMPA/myNMDA/myGABA).
   * Plastic synapses (src/plasticity) also name `weightState`, the per-instance var holding the
   * synapse's own weight (µS) that every event uses and that changes during the run, and
   * `weightInit`, the per-instance parameter INITIAL copies into it (protocols fill it from
   * `weight_uS` or a weights file).
   */
  readonly events?: { readonly weight: 'uS' | 'ignored'; readonly weightState?: string; readonly weightInit?: string };
}

/** Per-node totals and concentrations of one ion species, over all nodes of the model. */
export interface IonState {
  readonly name: string;
  readonly charge: number;
  /** Reversal potential, mV. */
  readonly e: Float64Array;
  /** Total ionic current, mA/cm² (zeroed at the start of every current evaluation). */
  readonly i: Float64Array;
  /** d(total current)/dv, S/cm² (zeroed with `i`). */
  readonly didv: Float64Array;
  /** Intracellular and extracellular concentration, mM. */
  readonly ci: Float64Array;
  readonly co: Float64Array;
  /** Initial concentrations (NEURON cai0/cao0 …), mM; finitialize resets ci/co to them (ions.ts). */
  readonly ci0?: Float64Array;
  readonly co0?: Float64Array;
  /** Nodes where e = Nernst(ci, co) at finitialize (a mechanism there reads or writes a concentration). */
  readonly nernstInit?: Int32Array;
  /** Nodes where e = Nernst(ci, co) also at the start of every current evaluation (a concentration is written). */
  readonly nernstAdvance?: Int32Array;
}

/** What kernels see of the engine. The engine updates `t` in place; arrays are over all nodes. */
export interface MechanismContext {
  /** Current time, ms: t_n at initialisation, t_n + dt/2 in `current`, t_{n+1} in `advance`. */
  t: number;
  readonly dt: number;
  readonly celsius: number;
  readonly v: Float64Array;
  readonly rhs: Float64Array;
  readonly d: Float64Array;
  readonly area_um2: Float64Array;
}

export interface MechanismInstance {
  readonly count: number;
  readonly nodes: Int32Array;
  /** Every per-instance array by name: params, states and assigned (for probes). */
  readonly vars: Readonly<Record<string, Float64Array>>;
}

/**
 * Where an instance block's arrays live. The engine creates one per simulation state and hands it
 * to every `instantiate`; arrays come zeroed and aligned, stay valid as long as the state, and are
 * never freed one by one (src/solvers/storage.ts has the engine's implementations).
 */
export interface StateStorage {
  /** A zeroed array of `length` doubles. */
  f64(length: number): Float64Array;
  /** A zeroed array of `length` 32-bit integers. */
  i32(length: number): Int32Array;
  /** Bytes handed out so far: the byteLength of every array returned, summed. */
  readonly bytes: number;
}

/** A storage of plain typed arrays (each its own buffer), for mechanisms instantiated outside an engine. */
export function heapStorage(): StateStorage {
  let bytes = 0;
  return {
    f64(length: number): Float64Array {
      bytes += 8 * length;
      return new Float64Array(length);
    },
    i32(length: number): Int32Array {
      bytes += 4 * length;
      return new Int32Array(length);
    },
    get bytes(): number {
      return bytes;
    },
  };
}

/** The storage an instance block allocates from: the engine's, or plain arrays when none is given. */
export function instanceStorage(init: InstanceInit): StateStorage {
  return init.storage ?? heapStorage();
}

export interface InstanceInit {
  /** Node of each instance. */
  readonly nodes: Int32Array;
  /** One array per description param, length `nodes.length`, already validated (owned by the instance). */
  readonly params: Readonly<Record<string, Float64Array>>;
  /** One value per description global, already validated. */
  readonly globals: Readonly<Record<string, number>>;
  /** Node areas, µm² (100 on zero-area nodes). */
  readonly area_um2: Float64Array;
  /** The ion states named in the description's `ions`. */
  readonly ions: Readonly<Record<string, IonState>>;
  /**
   * The engine's storage: every per-instance array the instance keeps (states, assigned variables,
   * per-instance constants such as 100/area) comes from it, through `instanceStorage(init)`.
   * Optional only so that a test may instantiate a mechanism by hand (plain arrays then); the
   * engines (src/solvers/cpu.ts, src/solvers/batch/state.ts) always give one.
   */
  readonly storage?: StateStorage;
  /**
   * Optional (absent: everything is read). Outputs that nothing reads during this run, which the
   * kernels may leave uncomputed: assigned variables of this instance block by name (no probe
   * records them), and ions by name whose totals `i` and `didv` nobody reads (no probe, no
   * mechanism reading the ion current, no Crank–Nicolson correction that matters). Kernels that
   * ignore this stay correct.
   */
  readonly unread?: {
    readonly vars: ReadonlySet<string>;
    readonly ionTotals: ReadonlySet<string>;
  };
}

export interface Mechanism<I extends MechanismInstance = MechanismInstance> {
  readonly description: MechanismDescription;
  instantiate(init: InstanceInit): I;
  /** NMODL INITIAL, with v = v_init already set everywhere and ctx.t = 0 (also builds rate tables). */
  initialize(inst: I, ctx: MechanismContext): void;
  /** NMODL BREAKPOINT currents with the finite-difference conductance; adds into rhs, d and ion totals. */
  current(inst: I, ctx: MechanismContext): void;
  /** NMODL SOLVE: advance states over ctx.dt with the new v. Absent for mechanisms without states. */
  advance?(inst: I, ctx: MechanismContext): void;
  /**
   * NMODL BEFORE BREAKPOINT: called at the start of every current evaluation (each step with
   * ctx.t = t_n + dt/2 and v = v_n, and once in finitialize with t = 0 and v = v_init), before
   * any mechanism's `current`. May change states.
   */
  beforeBreakpoint?(inst: I, ctx: MechanismContext): void;
  /**
   * NMODL NET_RECEIVE for instance `k`: an event with this weight arrives; ctx.t is the event time.
   * Called by the event queue (../solvers/events.ts) between steps, never during assembly.
   */
  netReceive?(inst: I, k: number, weight: number, ctx: MechanismContext): void;
}

/** Look up a default by name (for tests and documentation). */
export function paramDefault(desc: MechanismDescription, name: string): number {
  const p = desc.params.find((q) => q.name === name) ?? desc.globals.find((q) => q.name === name);
  if (!p) throw new Error(`mechanism ${desc.name} has no parameter ${name}`);
  return p.default;
}
