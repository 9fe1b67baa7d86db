/**
 * Where the GPU backend finds each mechanism's kinetics: the mechanism-file expression IR
 * (src/channels/user: parsed, unit-checked and lowered by `lowerMechanism`). A user mechanism file
 * brings its own spec; the built-in pas, hh and Hay channels are described by the mechanism files
 * shipped in fixtures/mechanisms/ (the same equations as the built-ins; test/gpu compares the
 * kernels generated from them with the float64 CPU backend). CaDynamics_E2 (writes cai) and IClamp
 * are not expressible as mechanism files and have hand-written GPU code in codegen.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Mechanism } from '../../channels/mechanism.ts';
import { lowerMechanism, type LoweredMechanism } from '../../channels/user/compile.ts';
import { parseMechanismSpec, type MechanismSpec } from '../../channels/user/spec.ts';

/** Built-in mechanism name → its mechanism file under fixtures/mechanisms/. */
const BUILTIN_FILES: Readonly<Record<string, string>> = {
  pas: 'pas.json',
  hh: 'hh.json',
  ...Object.fromEntries(
    ['Ca_HVA', 'Ca_LVAst', 'Ih', 'Im', 'K_Pst', 'K_Tst', 'NaTa_t', 'Nap_Et2', 'SK_E2', 'SKv3_1'].map((n) => [n, `hay/${n}.json`]),
  ),
};

/** Mechanisms with hand-written GPU code (not in the IR). */
export const HAND_WRITTEN = new Set(['IClamp', 'CaDynamics_E2']);

function mechanismsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let k = 0; k < 8; k++) {
    const cand = join(dir, 'fixtures', 'mechanisms');
    if (existsSync(join(dir, 'package.json')) && existsSync(cand)) return cand;
    dir = dirname(dir);
  }
  throw new Error('internal: fixtures/mechanisms/ not found above the gpu backend');
}

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
  const file = BUILTIN_FILES[name];
  if (file === undefined) return `no kinetics description of ${name} for the gpu backend (it has: ${Object.keys(BUILTIN_FILES).join(', ')}, CaDynamics_E2, IClamp and density mechanism files)`;
  let lowered = cache.get(name);
  if (lowered === undefined) {
    const path = join(mechanismsDir(), file);
    lowered = lowerMechanism(parseMechanismSpec(JSON.parse(readFileSync(path, 'utf8')), path));
    cache.set(name, lowered);
  }
  return lowered;
}
