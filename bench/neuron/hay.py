#!/usr/bin/python3
"""Hay et al. 2011's L5PC with the BAC protocol in NEURON 8.2, timed (see common.py).

    /usr/bin/python3 bench/neuron/hay.py CASE [TRACE_OUT.json]
    /usr/bin/python3 bench/neuron/hay.py --check      (only: can this run? prints BENCH_OK or BENCH_SKIP)

CASE is one of fixtures/neuron/hay/generate.py's cases (bac_c6p3_be, bac_c6p3_cn, bac_c34_be,
caburst_c6p3_be). The model is built by generate.py's own worker (build_only=True): the SWC
../shared/fixtures/morphologies/L5PC_rat_C060114A7.swc through Import3d, Hay's nseg rule and
axon stubs, L5PCbiophys3's channels with the ModelDB 139653 .mod files compiled by
fixtures/neuron/channels/nrnmech.py (not in this repository: they are read from $MODELDB_DIR or
/tmp/modeldb). Only finitialize(v_init) + continuerun(tstop) is timed; v is recorded at the soma
and at the 400, 620 and 800 um sites, as in the reference traces.

If the .mod files or the SWC are missing it prints `BENCH_SKIP <reason>` and exits with status 3.
"""
import contextlib
import io
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "fixtures", "neuron", "channels"))
from common import report, set_fixed_step, timed_run  # noqa: E402
import nrnmech  # noqa: E402  fixtures/neuron/channels/nrnmech.py


def load_generate():
    """fixtures/neuron/hay/generate.py (by path: fixtures/neuron/channels has a generate.py too)."""
    import importlib.util
    path = os.path.join(HERE, "..", "..", "fixtures", "neuron", "hay", "generate.py")
    spec = importlib.util.spec_from_file_location("hay_generate", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def skip(reason):
    sys.stdout.write("BENCH_SKIP %s\n" % reason)
    sys.stdout.flush()
    raise SystemExit(3)


def main():
    case = sys.argv[1]
    trace_file = sys.argv[2] if len(sys.argv) > 2 else None
    generate = load_generate()
    if case == "--check":
        case = "bac_c6p3_be"
    elif case not in generate.CASES:
        raise SystemExit("unknown case %r (known: %s)" % (case, ", ".join(generate.CASES)))
    if not os.path.exists(generate.DEFAULT_SWC):
        skip("morphology %s not found" % generate.DEFAULT_SWC)
    root = nrnmech.modeldb_root(None)
    try:
        try:  # the library the reference traces were made with (Hay + Gidon), else Hay's files alone
            paths, _ = nrnmech.locate(root)
        except SystemExit:
            paths, _ = nrnmech.locate(root, accessions=("139653",))
    except SystemExit as e:
        skip("Hay's .mod files (ModelDB 139653) not found or changed under %s: %s" % (root, str(e).split(chr(10))[0]))
    if sys.argv[1] == "--check":
        sys.stdout.write("BENCH_OK\n")
        return
    with contextlib.redirect_stdout(io.StringIO()):
        lib = nrnmech.build(paths)
        m = generate.worker(case, lib, generate.DEFAULT_SWC, None, None, build_only=True)
    h = m["h"]
    cfg = generate.CASES[case]
    set_fixed_step(h, generate.DT, "crank_nicolson" if cfg["secondorder"] == 2 else "backward_euler")
    h.celsius = cfg["celsius"]
    sites = m["sites"]
    probes = [("v_soma", m["soma"], 0.5), ("v_apic400", sites["apic400"][0], sites["apic400"][1]),
              ("v_apic620", m["dsec"], m["dx"]), ("v_apic800", sites["apic800"][0], sites["apic800"][1])]
    timings, t, traces = timed_run(h, generate.V_INIT, generate.TSTOP, generate.DT, [sec(x)._ref_v for _, sec, x in probes])
    timings["case"] = case
    report(h, timings, t, traces, [p[0] for p in probes], trace_file)


if __name__ == "__main__":
    main()
