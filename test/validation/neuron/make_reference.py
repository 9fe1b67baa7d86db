"""Regenerate neuron-reference.json: small NEURON 8.2 runs that the engine must reproduce.

Run with the Python that has NEURON (Debian: `python3 test/validation/neuron/make_reference.py`).
The models here must stay identical to the ones built in neuron-reference.test.ts.
Everything is recorded every step and kept every `EVERY`-th sample to keep the file small.
"""
import json
import os
from neuron import h

h.load_file('stdrun.hoc')
EVERY = 8


def soma_model():
    soma = h.Section(name='soma')
    soma.L = 20; soma.diam = 20; soma.nseg = 1; soma.cm = 1.3; soma.Ra = 123
    soma.insert('hh')
    stim = h.IClamp(soma(0.5)); stim.delay = 1.0125; stim.dur = 5; stim.amp = 0.3
    probes = {
        'v': soma(0.5)._ref_v, 'm': soma(0.5).hh._ref_m, 'h': soma(0.5).hh._ref_h,
        'n': soma(0.5).hh._ref_n, 'ina': soma(0.5)._ref_ina, 'ik': soma(0.5)._ref_ik,
        'il': soma(0.5).hh._ref_il, 'stim_i': stim._ref_i,
    }
    return [soma, stim], probes


def tree_model():
    soma = h.Section(name='soma'); soma.L = 20; soma.diam = 20; soma.nseg = 3; soma.cm = 1.3; soma.Ra = 123
    a = h.Section(name='dendA'); a.L = 200; a.diam = 2; a.nseg = 7; a.Ra = 100
    b = h.Section(name='dendB'); b.L = 150; b.diam = 1.5; b.nseg = 4; b.Ra = 150
    c = h.Section(name='dendC'); c.L = 50; c.diam = 1; c.nseg = 2; c.Ra = 80
    a.connect(soma(1), 0); b.connect(soma(0), 0); c.connect(soma(0.5), 0)
    soma.insert('hh'); soma.insert('pas')
    for seg in soma: seg.pas.g = 5e-5; seg.pas.e = -70
    for s in (a, b):
        s.insert('pas')
        for seg in s: seg.pas.g = 1e-4; seg.pas.e = -65
    c.insert('hh')
    stims = []
    for sec, x, dl, du, amp in ((soma, 0, 2, 3, 0.8), (a, 0.35, 10, 15, 0.4), (b, 1, 20, 2, -0.2)):
        st = h.IClamp(sec(x)); st.delay = dl; st.dur = du; st.amp = amp; stims.append(st)
    probes = {
        'soma(0)': soma(0)._ref_v, 'soma(0.5)': soma(0.5)._ref_v, 'soma(1)': soma(1)._ref_v,
        'dendA(0.35)': a(0.35)._ref_v, 'dendA(1)': a(1)._ref_v, 'dendB(1)': b(1)._ref_v,
        'dendC(0.5)': c(0.5)._ref_v, 'dendC(1)': c(1)._ref_v,
    }
    return [soma, a, b, c] + stims, probes


def run(name, build, method, usetable, celsius, dt, tstop, v_init):
    h.secondorder = 2 if method == 'crank_nicolson' else 0
    h.usetable_hh = usetable
    h.celsius = celsius
    h.dt = dt
    h.steps_per_ms = 1 / dt
    keep, probes = build()
    tv = h.Vector().record(h._ref_t)
    vecs = {k: h.Vector().record(p) for k, p in probes.items()}
    h.finitialize(v_init)
    h.continuerun(tstop)
    out = {
        'model': name, 'method': method, 'usetable': usetable, 'celsius': celsius, 'dt_ms': dt,
        'tstop_ms': tstop, 'v_init_mV': v_init, 'every': EVERY, 'samples': int(tv.size()),
        't': list(tv)[::EVERY], 'columns': {k: list(v)[::EVERY] for k, v in vecs.items()},
    }
    del keep
    return out


cases = []
for method, usetable, celsius in (('backward_euler', 0, 6.3), ('crank_nicolson', 0, 6.3),
                                  ('backward_euler', 1, 6.3), ('crank_nicolson', 1, 16.3)):
    cases.append(run('soma', soma_model, method, usetable, celsius, 0.025, 30, -65))
cases.append(run('soma', soma_model, 'backward_euler', 1, 6.3, 0.025, 30, -110))  # below the table
for method in ('backward_euler', 'crank_nicolson'):
    cases.append(run('tree', tree_model, method, 1, 6.3, 0.025, 40, -65))
cases.append(run('tree', tree_model, 'backward_euler', 0, 6.3, 0.1, 40, -65))

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, 'neuron-reference.json'), 'w') as f:
    json.dump({'generator': 'NEURON ' + h.nrnversion(), 'cases': cases}, f, separators=(',', ':'))
