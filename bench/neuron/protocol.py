#!/usr/bin/python3
"""A Dendrite protocol (v1 JSON) in NEURON 8.2, timed (see common.py).

    /usr/bin/python3 bench/neuron/protocol.py PROTOCOL.json [TRACE_OUT.json]

The cell is built by fixtures/neuron/traces/run_protocol.py's build() (the same code that made the
reference traces: Import3d, cm/Ra, discretization, mechanisms, usetable_hh = 0, IClamps); then dt,
steps_per_ms = 1/dt, secondorder, v recorded at the protocol's probes, and only
finitialize(v_init) + continuerun(tstop) is timed.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "fixtures", "neuron", "traces"))
from common import report, set_fixed_step, timed_run  # noqa: E402
import run_protocol  # noqa: E402


def main():
    path = os.path.abspath(sys.argv[1])
    trace_file = sys.argv[2] if len(sys.argv) > 2 else None
    with open(path) as f:
        proto = json.load(f)
    from neuron import h
    h.load_file("stdrun.hoc")
    secs, by_name, stims = run_protocol.build(h, proto, os.path.dirname(path))
    runp = proto["run"]
    dt = float(runp.get("dt_ms", 0.025))
    set_fixed_step(h, dt, runp.get("method", "backward_euler"))
    labels, refs = [], []
    for k, rec in enumerate(proto["record"]):
        sec, x = run_protocol.location(rec["at"], by_name, "record[%d].at" % k)
        labels.append(rec["label"])
        refs.append(sec(x)._ref_v)
    v_init = float(proto.get("biophysics", {}).get("v_init_mV", -65.0))
    timings, t, traces = timed_run(h, v_init, float(runp["tstop_ms"]), dt, refs)
    timings["usetable_hh"] = float(h.usetable_hh)
    report(h, timings, t, traces, labels, trace_file)


if __name__ == "__main__":
    main()
