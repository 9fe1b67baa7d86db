/** A simulation request that cannot be run; `path` points into the request, e.g. `mechanisms[1].params.g[3]`. */
export class SimulationSpecError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'SimulationSpecError';
    this.path = path;
  }
}

/** The integration went numerically unstable (v non-finite or beyond the allowed bound). */
export class InstabilityError extends Error {
  readonly dt_ms: number;
  /** Time at the end of the step that produced the bad value. */
  readonly t_ms: number;
  /** Node index (map to a section with `layout.nodeSection`). */
  readonly node: number;
  readonly v_mV: number;
  /** Section name of the node, when known. */
  readonly section: string | undefined;
  constructor(info: { dt_ms: number; t_ms: number; node: number; v_mV: number; section?: string; limit_mV: number }) {
    const where = info.section === undefined ? `node ${info.node}` : `node ${info.node} (section ${info.section})`;
    super(
      `numerical instability at t = ${info.t_ms} ms with dt = ${info.dt_ms} ms: v = ${info.v_mV} mV at ${where}` +
        ` (allowed |v| <= ${info.limit_mV} mV); try a smaller dt or check the model parameters`,
    );
    this.name = 'InstabilityError';
    this.dt_ms = info.dt_ms;
    this.t_ms = info.t_ms;
    this.node = info.node;
    this.v_mV = info.v_mV;
    this.section = info.section;
  }
}
