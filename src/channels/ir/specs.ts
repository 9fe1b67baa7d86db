/**
 * The kinetics of the built-in mechanisms, each described once, as data in the mechanism-file format
 * (docs/mechanisms.md, `dendrite-mechanism/1`): parameters, assigned expressions, states (inf/tau or
 * alpha/beta, cnexp), currents with their ions, rate tables. Embedded as TypeScript data so nothing
 * reads files at run time. ./index.ts compiles them (src/channels/user/compile.ts) into kernels; the
 * batch backend (src/solvers/batch) and the GPU backend generate theirs from the same lowered IR.
 *
 * The expressions are those of fixtures/mechanisms/*.json (the NEURON parity tests of
 * test/user-mechanisms hold those files to NEURON 8.2's traces).
 * The differences from those files make each description match its built-in's (names, parameters,
 * globals): names are the built-in names (hh, NaTa_t, …), Ih's ehcn and SK_E2's zTau are globals (as
 * in the .mod files and the built-ins), and Ca_HVA's conductance is gCa_HVA. test/batch/ir-conformance
 * runs every mechanism both ways (this description's generated kernels, the hand-written kernel).
 */
import type { MechanismFile } from './types.ts';
import { K_AMPA, K_Exp2Syn, K_GABAA, K_myAMPA, K_myGABA, K_myNMDA, K_NMDA } from './specs-synapses.ts';
import { K_kad, K_kap } from './specs-ka.ts';
import { K_CaDynamics_E2, K_dCaAP } from './specs-dcaap-cadyn.ts';
import { K_epsp, K_IChirp, K_IClamp, K_IPulseTrain, K_IRamp, K_ISine } from './specs-stimuli.ts';

/** pas: from fixtures/mechanisms/pas.json. */
export const K_pas: MechanismFile = {
  "format": "dendrite-mechanism/1",
  "name": "pas",
  "kind": "density",
  "summary": "passive leak i = g·(v − e) (NEURON's passive.mod as a mechanism file)",
  "source": "NEURON 8.2 src/nrnoc/passive.mod",
  "parameters": [
    {
      "name": "g",
      "unit": "S/cm2",
      "default": 0.001,
      "min": 0,
      "max": 1000000000,
      "description": "leak conductance density"
    },
    {
      "name": "e",
      "unit": "mV",
      "default": -70,
      "description": "leak reversal potential"
    }
  ],
  "currents": [
    {
      "name": "i",
      "expr": "g*(v - e)",
      "description": "leak current density"
    }
  ]
};

/** hh: from fixtures/mechanisms/hh.json. */
export const K_hh: MechanismFile = {
  "format": "dendrite-mechanism/1",
  "name": "hh",
  "kind": "density",
  "summary": "Hodgkin–Huxley squid Na, K and leak channels (NEURON's hh.mod as a mechanism file)",
  "source": "NEURON 8.2 src/nrnoc/hh.mod, written out in fixtures/mechanisms/hh.json",
  "parameters": [
    {
      "name": "gnabar",
      "unit": "S/cm2",
      "default": 0.12,
      "min": 0,
      "max": 1000000000,
      "description": "max Na conductance"
    },
    {
      "name": "gkbar",
      "unit": "S/cm2",
      "default": 0.036,
      "min": 0,
      "max": 1000000000,
      "description": "max K conductance"
    },
    {
      "name": "gl",
      "unit": "S/cm2",
      "default": 0.0003,
      "min": 0,
      "max": 1000000000,
      "description": "leak conductance"
    },
    {
      "name": "el",
      "unit": "mV",
      "default": -54.3,
      "description": "leak reversal potential"
    }
  ],
  "assigned": [
    {
      "name": "q10",
      "expr": "3^((celsius - 6.3)/10)",
      "description": "temperature factor"
    },
    {
      "name": "alpha_m",
      "unit": "1/ms",
      "expr": "0.1/(ms mV) * vtrap(-(v + 40 mV), 10 mV)"
    },
    {
      "name": "beta_m",
      "unit": "1/ms",
      "expr": "4/ms * exp(-(v + 65 mV)/(18 mV))"
    },
    {
      "name": "sum_m",
      "expr": "alpha_m + beta_m"
    },
    {
      "name": "alpha_h",
      "unit": "1/ms",
      "expr": "0.07/ms * exp(-(v + 65 mV)/(20 mV))"
    },
    {
      "name": "beta_h",
      "unit": "1/ms",
      "expr": "1/ms / (exp(-(v + 35 mV)/(10 mV)) + 1)"
    },
    {
      "name": "sum_h",
      "expr": "alpha_h + beta_h"
    },
    {
      "name": "alpha_n",
      "unit": "1/ms",
      "expr": "0.01/(ms mV) * vtrap(-(v + 55 mV), 10 mV)"
    },
    {
      "name": "beta_n",
      "unit": "1/ms",
      "expr": "0.125/ms * exp(-(v + 65 mV)/(80 mV))"
    },
    {
      "name": "sum_n",
      "expr": "alpha_n + beta_n"
    },
    {
      "name": "gna",
      "unit": "S/cm2",
      "expr": "gnabar*m*m*m*h",
      "description": "Na conductance"
    },
    {
      "name": "gk",
      "unit": "S/cm2",
      "expr": "gkbar*n*n*n*n",
      "description": "K conductance"
    }
  ],
  "states": [
    {
      "name": "m",
      "inf": "alpha_m/sum_m",
      "tau": "1/(q10*sum_m)",
      "description": "Na activation"
    },
    {
      "name": "h",
      "inf": "alpha_h/sum_h",
      "tau": "1/(q10*sum_h)",
      "description": "Na inactivation"
    },
    {
      "name": "n",
      "inf": "alpha_n/sum_n",
      "tau": "1/(q10*sum_n)",
      "description": "K activation"
    }
  ],
  "currents": [
    {
      "name": "ina",
      "ion": "na",
      "expr": "gna*(v - ena)"
    },
    {
      "name": "ik",
      "ion": "k",
      "expr": "gk*(v - ek)"
    },
    {
      "name": "il",
      "expr": "gl*(v - el)",
      "description": "leak current"
    }
  ],
  "rate_table": {
    "from_mV": -100,
    "to_mV": 100,
    "steps": 200,
    "usetable": 0,
    "comment": "NEURON's TABLE minf, mtau, hinf, htau, ninf, ntau DEPEND celsius FROM -100 TO 100 WITH 200; off by default as in the built-in hh"
  }
};

/** Ca_HVA: from fixtures/mechanisms/hay/Ca_HVA.json. */
export const K_Ca_HVA: MechanismFile = {
  "format": "dendrite-mechanism/1",
  "name": "Ca_HVA",
  "kind": "density",
  "summary": "high-voltage-activated Ca channel (Reuveni et al. 1993), Hay et al. 2011",
  "source": "ModelDB 139653 mod/Ca_HVA.mod (Hay et al. 2011), written as a mechanism file from fixtures/neuron/channels/NOTES.md §2",
  "parameters": [
    {
      "name": "gCa_HVAbar",
      "unit": "S/cm2",
      "default": 0.00001,
      "min": 0,
      "max": 1000000000,
      "description": "maximal conductance density"
    }
  ],
  "assigned": [
    {
      "name": "vm",
      "expr": "v == -27 mV ? v + 0.0001 mV : v"
    },
    {
      "name": "alpha_m",
      "unit": "1/ms",
      "expr": "0.055/(ms mV)*(-27 mV - vm)/(exp((-27 mV - vm)/(3.8 mV)) - 1)"
    },
    {
      "name": "beta_m",
      "unit": "1/ms",
      "expr": "0.94/ms*exp((-75 mV - vm)/(17 mV))"
    },
    {
      "name": "alpha_h",
      "unit": "1/ms",
      "expr": "0.000457/ms*exp((-13 mV - vm)/(50 mV))"
    },
    {
      "name": "beta_h",
      "unit": "1/ms",
      "expr": "0.0065/ms/(exp((-vm - 15 mV)/(28 mV)) + 1)"
    },
    {
      "name": "gCa_HVA",
      "unit": "S/cm2",
      "expr": "gCa_HVAbar*m*m*h"
    }
  ],
  "states": [
    {
      "name": "m",
      "inf": "alpha_m/(alpha_m + beta_m)",
      "tau": "1/(alpha_m + beta_m)"
    },
    {
      "name": "h",
      "inf": "alpha_h/(alpha_h + beta_h)",
      "tau": "1/(alpha_h + beta_h)"
    }
  ],
  "currents": [
    {
      "name": "ica",
      "ion": "ca",
      "expr": "gCa_HVA*(v - eca)"
    }
  ]
};

/** Ca_LVAst: from fixtures/mechanisms/hay/Ca_LVAst.json. */
export const K_Ca_LVAst: MechanismFile = {
  "format": "dendrite-mechanism/1",
  "name": "Ca_LVAst",
  "kind": "density",
  "summary": "low-voltage-activated Ca channel (Avery and Johnston 1996), Hay et al. 2011",
  "source": "ModelDB 139653 mod/Ca_LVAst.mod (Hay et al. 2011), written as a mechanism file from fixtures/neuron/channels/NOTES.md §2",
  "parameters": [
    {
      "name": "gCa_LVAstbar",
      "unit": "S/cm2",
      "default": 0.00001,
      "min": 0,
      "max": 1000000000,
      "description": "maximal conductance density"
    }
  ],
  "assigned": [
    {
      "name": "qt",
      "expr": "2.3^((34 - 21)/10)",
      "description": "temperature factor of the .mod file (ignores celsius)"
    },
    {
      "name": "vs",
      "expr": "v + 10 mV"
    },
    {
      "name": "gCa_LVAst",
      "unit": "S/cm2",
      "expr": "gCa_LVAstbar*m*m*h"
    }
  ],
  "states": [
    {
      "name": "m",
      "inf": "1/(1 + exp((vs + 30 mV)/(-6 mV)))",
      "tau": "(5 ms + 20 ms/(1 + exp((vs + 25 mV)/(5 mV))))/qt"
    },
    {
      "name": "h",
      "inf": "1/(1 + exp((vs + 80 mV)/(6.4 mV)))",
      "tau": "(20 ms + 50 ms/(1 + exp((vs + 40 mV)/(7 mV))))/qt"
    }
  ],
  "currents": [
    {
      "name": "ica",
      "ion": "ca",
      "expr": "gCa_LVAst*(v - eca)"
    }
  ]
};

/** Ih: from fixtures/mechanisms/hay/Ih.json. */
export const K_Ih: MechanismFile = {
  "format": "dendrite-mechanism/1",
  "name": "Ih",
  "kind": "density",
  "summary": "non-specific cation current (Kole et al. 2006), Hay et al. 2011",
  "source": "ModelDB 139653 mod/Ih.mod (Hay et al. 2011), written as a mechanism file from fixtures/neuron/channels/NOTES.md §2",
  "parameters": [
    {
      "name": "gIhbar",
      "unit": "S/cm2",
      "default": 0.00001,
      "min": 0,
      "max": 1000000000,
      "description": "maximal conductance density"
    }
  ],
  "assigned": [
    {
      "name": "vm",
      "expr": "v == -154.9 mV ? v + 0.0001 mV : v"
    },
    {
      "name": "alpha_m",
      "unit": "1/ms",
      "expr": "0.001*6.43/(ms mV)*(vm + 154.9 mV)/(exp((vm + 154.9 mV)/(11.9 mV)) - 1)"
    },
    {
      "name": "beta_m",
      "unit": "1/ms",
      "expr": "0.001*193/ms*exp(vm/(33.1 mV))"
    },
    {
      "name": "gIh",
      "unit": "S/cm2",
      "expr": "gIhbar*m"
    }
  ],
  "states": [
    {
      "name": "m",
      "inf": "alpha_m/(alpha_m + beta_m)",
      "tau": "1/(alpha_m + beta_m)"
    }
  ],
  "currents": [
    {
      "name": "ihcn",
      "expr": "gIh*(v - ehcn)"
    }
  ],
  "globals": [
    {
      "name": "ehcn",
      "unit": "mV",
      "default": -45,
      "description": "reversal potential"
    }
  ]
};

/** Im: from fixtures/mechanisms/hay/Im.json. */
export const K_Im: MechanismFile = {
  "format": "dendrite-mechanism/1",
  "name": "Im",
  "kind": "density",
  "summary": "muscarinic K channel (Adams et al. 1982), Hay et al. 2011",
  "source": "ModelDB 139653 mod/Im.mod (Hay et al. 2011), written as a mechanism file from fixtures/neuron/channels/NOTES.md §2",
  "parameters": [
    {
      "name": "gImbar",
      "unit": "S/cm2",
      "default": 0.00001,
      "min": 0,
      "max": 1000000000,
      "description": "maximal conductance density"
    }
  ],
  "assigned": [
    {
      "name": "qt",
      "expr": "2.3^((34 - 21)/10)",
      "description": "temperature factor of the .mod file (ignores celsius)"
    },
    {
      "name": "alpha_m",
      "unit": "1/ms",
      "expr": "3.3e-3/ms*exp(2.5*0.04/mV*(v + 35 mV))"
    },
    {
      "name": "beta_m",
      "unit": "1/ms",
      "expr": "3.3e-3/ms*exp(-2.5*0.04/mV*(v + 35 mV))"
    },
    {
      "name": "gIm",
      "unit": "S/cm2",
      "expr": "gImbar*m"
    }
  ],
  "states": [
    {
      "name": "m",
      "inf": "alpha_m/(alpha_m + beta_m)",
      "tau": "(1/(alpha_m + beta_m))/qt"
    }
  ],
  "currents": [
    {
      "name": "ik",
      "ion": "k",
      "expr": "gIm*(v - ek)"
    }
  ]
};

/** K_Pst: from fixtures/mechanisms/hay/K_Pst.json. */
export const K_K_Pst: MechanismFile = {
  "format": "dendrite-mechanism/1",
  "name": "K_Pst",
  "kind": "density",
  "summary": "persistent K channel (Korngreen and Sakmann 2000), Hay et al. 2011",
  "source": "ModelDB 139653 mod/K_Pst.mod (Hay et al. 2011), written as a mechanism file from fixtures/neuron/channels/NOTES.md §2",
  "parameters": [
    {
      "name": "gK_Pstbar",
      "unit": "S/cm2",
      "default": 0.00001,
      "min": 0,
      "max": 1000000000,
      "description": "maximal conductance density"
    }
  ],
  "assigned": [
    {
      "name": "qt",
      "expr": "2.3^((34 - 21)/10)",
      "description": "temperature factor of the .mod file (ignores celsius)"
    },
    {
      "name": "vs",
      "expr": "v + 10 mV",
      "description": "the .mod file's +10 mV shift"
    },
    {
      "name": "x",
      "expr": "(vs + 75 mV)/(48 mV)"
    },
    {
      "name": "gK_Pst",
      "unit": "S/cm2",
      "expr": "gK_Pstbar*m*m*h"
    }
  ],
  "states": [
    {
      "name": "m",
      "inf": "1/(1 + exp(-(vs + 1 mV)/(12 mV)))",
      "tau": "vs < -50 mV ? (1.25 ms + 175.03 ms*exp(-vs*(-0.026)/mV))/qt : (1.25 ms + 13 ms*exp(-vs*0.026/mV))/qt"
    },
    {
      "name": "h",
      "inf": "1/(1 + exp(-(vs + 54 mV)/(-11 mV)))",
      "tau": "(360 ms + (1010 ms + 24 ms/mV*(vs + 55 mV))*exp(-(x*x)))/qt"
    }
  ],
  "currents": [
    {
      "name": "ik",
      "ion": "k",
      "expr": "gK_Pst*(v - ek)"
    }
  ]
};

/** K_Tst: from fixtures/mechanisms/hay/K_Tst.json. */
export const K_K_Tst: MechanismFile = {
  "format": "dendrite-mechanism/1",
  "name": "K_Tst",
  "kind": "density",
  "summary": "transient K channel (Korngreen and Sakmann 2000), Hay et al. 2011",
  "source": "ModelDB 139653 mod/K_Tst.mod (Hay et al. 2011), written as a mechanism file from fixtures/neuron/channels/NOTES.md §2",
  "parameters": [
    {
      "name": "gK_Tstbar",
      "unit": "S/cm2",
      "default": 0.00001,
      "min": 0,
      "max": 1000000000,
      "description": "maximal conductance density"
    }
  ],
  "assigned": [
    {
      "name": "qt",
      "expr": "2.3^((34 - 21)/10)",
      "description": "temperature factor of the .mod file (ignores celsius)"
    },
    {
      "name": "vs",
      "expr": "v + 10 mV"
    },
    {
      "name": "xm",
      "expr": "(vs + 71 mV)/(59 mV)"
    },
    {
      "name": "xh",
      "expr": "(vs + 73 mV)/(23 mV)"
    },
    {
      "name": "gK_Tst",
      "unit": "S/cm2",
      "expr": "gK_Tstbar*(m*m*m*m)*h"
    }
  ],
  "states": [
    {
      "name": "m",
      "inf": "1/(1 + exp(-(vs + 0 mV)/(19 mV)))",
      "tau": "(0.34 ms + 0.92 ms*exp(-(xm*xm)))/qt"
    },
    {
      "name": "h",
      "inf": "1/(1 + exp(-(vs + 66 mV)/(-10 mV)))",
      "tau": "(8 ms + 49 ms*exp(-(xh*xh)))/qt"
    }
  ],
  "currents": [
    {
      "name": "ik",
      "ion": "k",
      "expr": "gK_Tst*(v - ek)"
    }
  ]
};

/** NaTa_t: from fixtures/mechanisms/hay/NaTa_t.json. */
export const K_NaTa_t: MechanismFile = {
  "format": "dendrite-mechanism/1",
  "name": "NaTa_t",
  "kind": "density",
  "summary": "transient Na channel (Colbert and Pan 2002), Hay et al. 2011",
  "source": "ModelDB 139653 mod/NaTa_t.mod (Hay et al. 2011), written as a mechanism file from fixtures/neuron/channels/NOTES.md §2",
  "parameters": [
    {
      "name": "gNaTa_tbar",
      "unit": "S/cm2",
      "default": 0.00001,
      "min": 0,
      "max": 1000000000,
      "description": "maximal conductance density"
    }
  ],
  "assigned": [
    {
      "name": "qt",
      "expr": "2.3^((34 - 21)/10)",
      "description": "temperature factor of the .mod file (ignores celsius)"
    },
    {
      "name": "vm",
      "expr": "v == -38 mV ? v + 0.0001 mV : v",
      "description": "the .mod file's singularity guard"
    },
    {
      "name": "alpha_m",
      "unit": "1/ms",
      "expr": "0.182/(ms mV)*(vm + 38 mV)/(1 - exp(-(vm + 38 mV)/(6 mV)))"
    },
    {
      "name": "beta_m",
      "unit": "1/ms",
      "expr": "0.124/(ms mV)*(-vm - 38 mV)/(1 - exp(-(-vm - 38 mV)/(6 mV)))"
    },
    {
      "name": "vh",
      "expr": "vm == -66 mV ? vm + 0.0001 mV : vm"
    },
    {
      "name": "alpha_h",
      "unit": "1/ms",
      "expr": "-0.015/(ms mV)*(vh + 66 mV)/(1 - exp((vh + 66 mV)/(6 mV)))"
    },
    {
      "name": "beta_h",
      "unit": "1/ms",
      "expr": "-0.015/(ms mV)*(-vh - 66 mV)/(1 - exp((-vh - 66 mV)/(6 mV)))"
    },
    {
      "name": "gNaTa_t",
      "unit": "S/cm2",
      "expr": "gNaTa_tbar*m*m*m*h"
    }
  ],
  "states": [
    {
      "name": "m",
      "inf": "alpha_m/(alpha_m + beta_m)",
      "tau": "(1/(alpha_m + beta_m))/qt"
    },
    {
      "name": "h",
      "inf": "alpha_h/(alpha_h + beta_h)",
      "tau": "(1/(alpha_h + beta_h))/qt"
    }
  ],
  "currents": [
    {
      "name": "ina",
      "ion": "na",
      "expr": "gNaTa_t*(v - ena)"
    }
  ]
};

/** Nap_Et2: from fixtures/mechanisms/hay/Nap_Et2.json. */
export const K_Nap_Et2: MechanismFile = {
  "format": "dendrite-mechanism/1",
  "name": "Nap_Et2",
  "kind": "density",
  "summary": "persistent Na channel (Magistretti and Alonso 1999), Hay et al. 2011",
  "source": "ModelDB 139653 mod/Nap_Et2.mod (Hay et al. 2011), written as a mechanism file from fixtures/neuron/channels/NOTES.md §2",
  "parameters": [
    {
      "name": "gNap_Et2bar",
      "unit": "S/cm2",
      "default": 0.00001,
      "min": 0,
      "max": 1000000000,
      "description": "maximal conductance density"
    }
  ],
  "assigned": [
    {
      "name": "qt",
      "expr": "2.3^((34 - 21)/10)",
      "description": "temperature factor of the .mod file (ignores celsius)"
    },
    {
      "name": "m_inf",
      "expr": "1/(1 + exp((v + 52.6 mV)/(-4.6 mV)))"
    },
    {
      "name": "vm",
      "expr": "v == -38 mV ? v + 0.0001 mV : v"
    },
    {
      "name": "alpha_m",
      "unit": "1/ms",
      "expr": "0.182/(ms mV)*(vm + 38 mV)/(1 - exp(-(vm + 38 mV)/(6 mV)))"
    },
    {
      "name": "beta_m",
      "unit": "1/ms",
      "expr": "0.124/(ms mV)*(-vm - 38 mV)/(1 - exp(-(-vm - 38 mV)/(6 mV)))"
    },
    {
      "name": "vh1",
      "expr": "vm == -17 mV ? vm + 0.0001 mV : vm"
    },
    {
      "name": "vh",
      "expr": "vh1 == -64.4 mV ? vh1 + 0.0001 mV : vh1"
    },
    {
      "name": "h_inf",
      "expr": "1/(1 + exp((vh + 48.8 mV)/(10 mV)))"
    },
    {
      "name": "alpha_h",
      "unit": "1/ms",
      "expr": "-2.88e-6/(ms mV)*(vh + 17 mV)/(1 - exp((vh + 17 mV)/(4.63 mV)))"
    },
    {
      "name": "beta_h",
      "unit": "1/ms",
      "expr": "6.94e-6/(ms mV)*(vh + 64.4 mV)/(1 - exp(-(vh + 64.4 mV)/(2.63 mV)))"
    },
    {
      "name": "gNap_Et2",
      "unit": "S/cm2",
      "expr": "gNap_Et2bar*m*m*m*h"
    }
  ],
  "states": [
    {
      "name": "m",
      "inf": "m_inf",
      "tau": "(6*(1/(alpha_m + beta_m)))/qt"
    },
    {
      "name": "h",
      "inf": "h_inf",
      "tau": "(1/(alpha_h + beta_h))/qt"
    }
  ],
  "currents": [
    {
      "name": "ina",
      "ion": "na",
      "expr": "gNap_Et2*(v - ena)"
    }
  ]
};

/**
 * SK_E2: from fixtures/mechanisms/hay/SK_E2.json, but with the .mod file's pow(q, 4.8) written
 * (q·q)·(q·q)·exp(0.8·log(q)): about twice as fast as pow in V8, within ~7 ulp of it (measured
 * 1.5e-15 relative for q in [0.04, 40]), and in float32 (the GPU kernels) log's rounding is
 * amplified by 0.8·|log q| rather than the 4.8·|log q| of exp(4.8·log(q)). The hand-written kernel
 * (src/channels/hay/SK_E2.ts) computes the same.
 */
export const K_SK_E2: MechanismFile = {
  "format": "dendrite-mechanism/1",
  "name": "SK_E2",
  "kind": "density",
  "summary": "Ca-activated K channel (Kohler et al. 1996), Hay et al. 2011",
  "source": "ModelDB 139653 mod/SK_E2.mod (Hay et al. 2011), written as a mechanism file from fixtures/neuron/channels/NOTES.md §2",
  "parameters": [
    {
      "name": "gSK_E2bar",
      "unit": "S/cm2",
      "default": 0.000001,
      "min": 0,
      "max": 1000000000,
      "description": "maximal conductance density"
    }
  ],
  "assigned": [
    {
      "name": "ca",
      "unit": "mM",
      "expr": "cai < 1e-7 mM ? cai + 1e-7 mM : cai",
      "description": "the .mod file's shift of tiny cai"
    },
    {
      "name": "q",
      "expr": "0.00043 mM/ca",
      "description": "the base of the .mod file's pow(0.00043/ca, 4.8), which is q^4·exp(0.8·log(q)) here"
    },
    {
      "name": "gSK_E2",
      "unit": "S/cm2",
      "expr": "gSK_E2bar*z"
    }
  ],
  "states": [
    {
      "name": "z",
      "inf": "1/(1 + (q*q)*(q*q)*exp(0.8*log(q)))",
      "tau": "zTau"
    }
  ],
  "currents": [
    {
      "name": "ik",
      "ion": "k",
      "expr": "gSK_E2*(v - ek)"
    }
  ],
  "globals": [
    {
      "name": "zTau",
      "unit": "ms",
      "default": 1,
      "description": "time constant"
    }
  ]
};

/** SKv3_1: from fixtures/mechanisms/hay/SKv3_1.json. */
export const K_SKv3_1: MechanismFile = {
  "format": "dendrite-mechanism/1",
  "name": "SKv3_1",
  "kind": "density",
  "summary": "Kv3.1 channel (Rettig et al. 1992), Hay et al. 2011",
  "source": "ModelDB 139653 mod/SKv3_1.mod (Hay et al. 2011), written as a mechanism file from fixtures/neuron/channels/NOTES.md §2",
  "parameters": [
    {
      "name": "gSKv3_1bar",
      "unit": "S/cm2",
      "default": 0.00001,
      "min": 0,
      "max": 1000000000,
      "description": "maximal conductance density"
    }
  ],
  "assigned": [
    {
      "name": "gSKv3_1",
      "unit": "S/cm2",
      "expr": "gSKv3_1bar*m"
    }
  ],
  "states": [
    {
      "name": "m",
      "inf": "1/(1 + exp((v - 18.7 mV)/(-9.7 mV)))",
      "tau": "0.2*20*ms/(1 + exp((v + 46.56 mV)/(-44.14 mV)))"
    }
  ],
  "currents": [
    {
      "name": "ik",
      "ion": "k",
      "expr": "gSKv3_1*(v - ek)"
    }
  ]
};

/** Every mechanism described here, by built-in name. */
export const BUILTIN_KINETICS: Readonly<Record<string, MechanismFile>> = {
  pas: K_pas,
  hh: K_hh,
  Ca_HVA: K_Ca_HVA,
  Ca_LVAst: K_Ca_LVAst,
  Ih: K_Ih,
  Im: K_Im,
  K_Pst: K_K_Pst,
  K_Tst: K_K_Tst,
  NaTa_t: K_NaTa_t,
  Nap_Et2: K_Nap_Et2,
  SK_E2: K_SK_E2,
  SKv3_1: K_SKv3_1,
  Exp2Syn: K_Exp2Syn,
  AMPA: K_AMPA,
  NMDA: K_NMDA,
  GABAA: K_GABAA,
  myAMPA: K_myAMPA,
  myGABA: K_myGABA,
  myNMDA: K_myNMDA,
  kap: K_kap,
  kad: K_kad,
  CaDynamics_E2: K_CaDynamics_E2,
  dCaAP: K_dCaAP,
  IClamp: K_IClamp,
  IRamp: K_IRamp,
  ISine: K_ISine,
  IChirp: K_IChirp,
  epsp: K_epsp,
  IPulseTrain: K_IPulseTrain,
};
