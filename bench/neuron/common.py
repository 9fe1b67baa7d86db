"""Shared helpers for the NEURON side of `npm run bench` (run with /usr/bin/python3).

Every script prints exactly one line starting with BENCH_RESULT followed by a JSON object; NEURON's
own chatter (e.g. the DISPLAY warning) may surround it. Timing covers only h.finitialize(v_init) +
h.continuerun(tstop), measured with time.perf_counter; model building is outside the timed region.
"""
import json
import resource
import sys
import time


def set_fixed_step(h, dt, method):
    """Fixed step, dt and steps_per_ms = 1/dt (so stdrun never changes dt), BE or CN."""
    if method not in ("backward_euler", "crank_nicolson"):
        raise SystemExit("unknown method %r" % method)
    h.load_file("stdrun.hoc")
    h.cvode_active(0)
    h.dt = dt
    h.steps_per_ms = 1.0 / dt
    h.secondorder = 2 if method == "crank_nicolson" else 0


def count_nodes(h):
    """Nodes of the matrix as Dendrite counts them: nseg centres + one x = 1 end node per section,
    plus one root node per root section. Also returns the total nseg (compartments)."""
    nseg = 0
    nodes = 0
    for s in h.allsec():
        nseg += int(s.nseg)
        nodes += int(s.nseg) + 1
        if h.SectionRef(sec=s).has_parent() == 0:
            nodes += 1
    return nseg, nodes


def timed_run(h, v_init, tstop, dt, probes):
    """Record t and the probes' v, then time finitialize + continuerun. Returns (timings, t, traces)."""
    tvec = h.Vector()
    tvec.record(h._ref_t)
    vecs = []
    for ref in probes:
        v = h.Vector()
        v.record(ref)
        vecs.append(v)
    t0 = time.perf_counter()
    h.finitialize(v_init)
    t1 = time.perf_counter()
    h.continuerun(tstop)
    t2 = time.perf_counter()
    if abs(h.dt - dt) > 0:
        raise SystemExit("NEURON changed dt from %r to %r" % (dt, h.dt))
    timings = {"wall_s": t2 - t0, "init_s": t1 - t0, "run_s": t2 - t1, "steps": int(tvec.size()) - 1}
    return timings, list(tvec), [list(v) for v in vecs]


def report(h, result, t, traces, labels, trace_file):
    import neuron
    nseg, nodes = count_nodes(h)
    result.update({
        "nseg": nseg,
        "n_nodes": nodes,
        "neuron_version": neuron.__version__,
        "secondorder": int(h.secondorder),
        "dt": float(h.dt),
        "celsius": float(h.celsius),
        "peak_rss_MiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    })
    if trace_file:
        with open(trace_file, "w") as f:
            json.dump({"t_ms": t, "labels": labels, "traces": traces}, f)
    sys.stdout.write("BENCH_RESULT " + json.dumps(result) + "\n")
    sys.stdout.flush()
