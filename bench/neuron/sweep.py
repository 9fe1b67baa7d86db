#!/usr/bin/python3
"""One NEURON process of the sweep benchmark (bench/sweep.ts): the variants k with k % N == I.

    /usr/bin/python3 bench/neuron/sweep.py PROTOCOL.json VARIANTS.json I N OUT.json

VARIANTS.json is a list of {"gnabar": ..., "amp_nA": ...}, one per run of the sweep (run order).
The cell is built once by fixtures/neuron/traces/run_protocol.py's build() (as for the other
NEURON benchmarks), then for each of this process's variants: gnabar_hh set in every segment that
has hh, the first IClamp's amp set, finitialize(v_init) + continuerun(tstop) at fixed dt, and the
peak voltage and the upward crossings of -20 mV (every crossing, NEURON's NetCon way; Dendrite's
spike_count may leave out crossings that are no action potential) of the v of every step at the
protocol's first recording site; bench/sweep.ts checks the peaks against Dendrite's. The benchmark times the whole process from outside;
the times inside (import + build, runs) are reported for reference.
"""
import json
import os
import sys
import time

T0 = time.perf_counter()
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "fixtures", "neuron", "traces"))
from common import set_fixed_step  # noqa: E402
import run_protocol  # noqa: E402

THRESHOLD_MV = -20.0


def main():
    path, variants_path, shard, shards, out = sys.argv[1:6]
    shard, shards = int(shard), int(shards)
    path = os.path.abspath(path)
    with open(path) as f:
        proto = json.load(f)
    with open(variants_path) as f:
        variants = json.load(f)
    from neuron import h
    h.load_file("stdrun.hoc")
    secs, by_name, stims = run_protocol.build(h, proto, os.path.dirname(path))
    runp = proto["run"]
    dt = float(runp.get("dt_ms", 0.025))
    tstop = float(runp["tstop_ms"])
    set_fixed_step(h, dt, runp.get("method", "backward_euler"))
    sec, x = run_protocol.location(proto["record"][0]["at"], by_name, "record[0].at")
    v = h.Vector()
    v.record(sec(x)._ref_v)
    hh_segs = [seg for s in secs if s.has_membrane("hh") for seg in s]
    v_init = float(proto.get("biophysics", {}).get("v_init_mV", -65.0))
    t_built = time.perf_counter()
    runs = []
    for k in range(shard, len(variants), shards):
        var = variants[k]
        for seg in hh_segs:
            seg.hh.gnabar = float(var["gnabar"])
        stims[0].amp = float(var["amp_nA"])
        h.finitialize(v_init)
        h.continuerun(tstop)
        y = v.as_numpy() if hasattr(v, "as_numpy") else list(v)
        n = 0
        for i in range(1, len(y)):
            if y[i - 1] < THRESHOLD_MV <= y[i]:
                n += 1
        runs.append({"run": k, "n_spikes": n, "v_peak": float(max(y))})
    t_end = time.perf_counter()
    with open(out, "w") as f:
        json.dump({"runs": runs, "setup_s": t_built - T0, "runs_s": t_end - t_built, "steps": int(round(tstop / dt))}, f)


if __name__ == "__main__":
    main()
