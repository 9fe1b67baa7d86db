/**
 * Where the GPU backend finds each mechanism's kinetics: the one kinetics description of issue 10
 * (src/channels/ir: the built-ins as mechanism-file data, lowered to expression IR by
 * src/channels/user/compile.ts `lowerMechanism`), or a user mechanism file's own spec. The CPU's
 * generated kernels come from the same IR. CaDynamics_E2 (writes cai) and IClamp have hand-written
 * GPU code in codegen.ts; point processes are refused before this (plan.ts), and so is what the GPU
 * generator does not run: before_breakpoint blocks (dCaAP), weight states, concentration states
 * reads of an ion's total current, and sin/expm1/floor calls (`unsupported`).
 */
import type { Mechanism } from '../../channels/mechanism.ts';
import { describedMechanisms, loweredKinetics } from '../../channels/ir/index.ts';
import { lowerMechanism, type LoweredMechanism } from '../../channels/user/compile.ts';
import type { MechanismSpec } from '../../channels/user/spec.ts';
import { symbols, type IR } from '../../channels/user/expr.ts';

/** Mechanisms with hand-written GPU code (not in the IR). */
export const HAND_WRITTEN = new Set(['IClamp', 'CaDynamics_E2']);

const cache = new Map<string, LoweredMechanism>();

/** The lowered kinetics of a mechanism, or a reason why the GPU backend has none. */
export function kineticsOf(m: Mechanism): LoweredMechanism | string {
  const name = m.description.name;
  const user = (m as { spec?: MechanismSpec }).spec;
  if (user !== undefined) {
    if (user.kind !== 'density') return `${name} is a point process from a mechanism file (the gpu backend runs density mechanisms, IClamp and CaDynamics_E2)`;
    if ((user as { netReceive?: unknown }).netReceive !== undefined) return `${name} has a net_receive block`;
    const low = lowerMechanism(user);
    return unsupported(low) ?? low;
  }
  if (!describedMechanisms().includes(name)) {
    return `no kinetics description of ${name} for the gpu backend (it has: ${describedMechanisms().join(', ')}, CaDynamics_E2, IClamp and density mechanism files)`;
  }
  let lowered = cache.get(name);
  if (lowered === undefined) cache.set(name, (lowered = loweredKinetics(name)));
  return unsupported(lowered) ?? lowered;
}

/**
 * What the GPU code generator does not run (a reason), or undefined: a before_breakpoint block
 * (dCaAP), weight states, a concentration state or a read of an ion's total current.
 */
function unsupported(low: LoweredMechanism): string | undefined {
  const spec = low.spec;
  const name = spec.name;
  if (spec.beforeBreakpoint !== undefined) return `${name} has a before_breakpoint block (the gpu backend does not run it)`;
  if (spec.weightStates.length > 0) return `${name} has weight states (the gpu backend does not run them)`;
  if (spec.states.some((s) => s.ion !== undefined)) return `${name} keeps an ion concentration (the gpu backend runs only CaDynamics_E2's, hand-written)`;
  const irs = [...low.assigned.map((a) => a.ir), ...low.states.flatMap((s) => [s.first.ir, s.second.ir]), ...low.currents.map((c) => c.ir)];
  if (irs.some((ir) => [...symbols(ir)].some((n) => low.symbol(n)?.field === 'i'))) return `${name} reads an ion's total current (the gpu backend does not)`;
  const fn = irs.map(callsNotOnGpu).find((f) => f !== undefined);
  if (fn !== undefined) return `${name} calls ${fn}() (the gpu backend's code generator does not have it)`;
  return undefined;
}

/** Functions of the mechanism-file format that codegen.ts does not emit. */
const NOT_ON_GPU = new Set(['sin', 'expm1', 'floor']);

function callsNotOnGpu(ir: IR): string | undefined {
  switch (ir.k) {
    case 'call':
      return NOT_ON_GPU.has(ir.fn) ? ir.fn : ir.args.map(callsNotOnGpu).find((f) => f !== undefined);
    case 'bin':
      return callsNotOnGpu(ir.a) ?? callsNotOnGpu(ir.b);
    case 'neg':
    case 'not':
      return callsNotOnGpu(ir.a);
    case 'cond':
      return callsNotOnGpu(ir.c) ?? callsNotOnGpu(ir.a) ?? callsNotOnGpu(ir.b);
    default:
      return undefined;
  }
}
