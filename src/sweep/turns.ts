/**
 * Letting the event loop turn during a sweep that computes in this thread (`--backend batch` and
 * `gpu`, batch.ts and gpu.ts). Node runs a signal listener (the CLI's Ctrl-C and SIGTERM line,
 * cli/sweep.ts) and other I/O only when this thread returns to its event loop; awaiting promises
 * that are already settled (microtasks) does not return there. `turn()` awaits a `setImmediate`,
 * which does, but only once `every_ms` of synchronous work have passed since the last turn, so
 * that it costs nothing measurable however often it is called.
 */
export class EventLoopTurns {
  private last_ms = performance.now();

  constructor(readonly every_ms = 20) {}

  /** True when a turn is due (`every_ms` since the last). */
  due(): boolean {
    return performance.now() - this.last_ms >= this.every_ms;
  }

  /** Let the event loop turn if one is due; signal listeners run meanwhile. */
  async turn(): Promise<void> {
    if (this.due()) await this.now();
  }

  /** Let the event loop turn now. */
  async now(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.last_ms = performance.now();
  }
}
