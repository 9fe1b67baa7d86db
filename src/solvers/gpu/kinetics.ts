/**
 * Where the GPU backend finds each mechanism's kinetics: the one kinetics description of issue 10
 * (src/channels/ir: the built-ins pas, hh and the ten Hay channels as mechanism-file data, lowered
 * to expression IR by src/channels/user/compile.ts `lowerMechanism`), or a user mechanism file's
 * own spec. The CPU's generated kernels come from the same IR. CaDynamics_E2 (writes cai) and
 * IClamp are not in the IR and have hand-written GPU code in codegen.ts.
 */
import type { Mechanism } from '../../channels/mechanism.ts';
import { describedMechanisms, loweredKinetics } from '../../channels/ir/index.ts';
import { lowerMechanism, type LoweredMechanism } from '../../channels/user/compile.ts';
import type { MechanismSpec } from '../../channels/user/spec.ts';

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
    return lowerMechanism(user);
  }
  if (!describedMechanisms().includes(name)) {
    return `no kinetics description of ${name} for the gpu backend (it has: ${describedMechanisms().join(', ')}, CaDynamics_E2, IClamp and density mechanism files)`;
  }
  let lowered = cache.get(name);
  if (lowered === undefined) cache.set(name, (lowered = loweredKinetics(name)));
  return lowered;
}
