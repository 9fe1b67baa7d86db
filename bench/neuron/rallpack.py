#!/usr/bin/python3
"""Rallpack 1 or 3 in NEURON 8.2, timed (see common.py).

    /usr/bin/python3 bench/neuron/rallpack.py SPEC_JSON [TRACE_OUT.json]

SPEC_JSON (written by bench/cases.ts from test/validation/rallpack-models.ts, so both sides use the
same constants): {"model": "rallpack1" | "rallpack3", "nseg", "L_um", "diam_um", "Ra_ohm_cm",
"cm_uF_per_cm2", "g_S_per_cm2", "e_mV", "amp_nA", "tstop_ms", "dt_ms", "method", "celsius",
"usetable_hh", "ena_mV", "ek_mV", "gnabar", "gkbar"}.

One unbranched cylinder (no 3-D points), 0.1 nA IClamp at x = 0 from t = 0 on, v recorded at x = 0
and x = 1. Rallpack 1: pas. Rallpack 3: hh with gl = 1/RM, el = Em, and usetable_hh as given
(NEURON's default is 1: rate tables).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import report, set_fixed_step, timed_run  # noqa: E402


def main():
    spec = json.loads(sys.argv[1])
    trace_file = sys.argv[2] if len(sys.argv) > 2 else None
    from neuron import h
    set_fixed_step(h, spec["dt_ms"], spec["method"])
    sec = h.Section(name="cable")
    sec.L = spec["L_um"]
    sec.diam = spec["diam_um"]
    sec.nseg = spec["nseg"]
    sec.Ra = spec["Ra_ohm_cm"]
    sec.cm = spec["cm_uF_per_cm2"]
    if spec["model"] == "rallpack1":
        sec.insert("pas")
        sec.g_pas = spec["g_S_per_cm2"]
        sec.e_pas = spec["e_mV"]
    elif spec["model"] == "rallpack3":
        sec.insert("hh")
        sec.gnabar_hh = spec["gnabar"]
        sec.gkbar_hh = spec["gkbar"]
        sec.gl_hh = spec["g_S_per_cm2"]
        sec.el_hh = spec["e_mV"]
        sec.ena = spec["ena_mV"]
        sec.ek = spec["ek_mV"]
        h.usetable_hh = spec["usetable_hh"]
    else:
        raise SystemExit("unknown model %r" % spec["model"])
    h.celsius = spec["celsius"]
    ic = h.IClamp(sec(0))
    ic.delay = 0
    ic.dur = 1e9
    ic.amp = spec["amp_nA"]
    timings, t, traces = timed_run(h, spec["e_mV"], spec["tstop_ms"], spec["dt_ms"], [sec(0)._ref_v, sec(1)._ref_v])
    if spec["model"] == "rallpack3":
        timings["usetable_hh"] = float(h.usetable_hh)
    report(h, timings, t, traces, ["x0", "x1"], trace_file)


if __name__ == "__main__":
    main()
