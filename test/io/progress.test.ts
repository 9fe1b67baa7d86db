/** Progress bar: only on a TTY, silent with --quiet, ≤ 10 redraws a second, cleared at the end; the summary line. */
import { describe, expect, it } from 'vitest';
import { createProgress, formatDuration, formatRunSummary, renderBar } from '../../src/io/progress.ts';

function fakeStream(isTTY: boolean, columns = 80) {
  const writes: string[] = [];
  return { stream: { isTTY, columns, write: (s: string) => writes.push(s) }, writes };
}

function fakeClock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('createProgress', () => {
  it('draws nothing when stderr is not a TTY', () => {
    const { stream, writes } = fakeStream(false);
    const clock = fakeClock();
    const p = createProgress({ stream, now: clock.now });
    expect(p.enabled).toBe(false);
    for (let i = 0; i <= 100; i++) {
      clock.advance(50);
      p.update(i / 100);
    }
    p.done();
    expect(writes).toEqual([]);
  });

  it('draws nothing with quiet, even on a TTY', () => {
    const { stream, writes } = fakeStream(true);
    const clock = fakeClock();
    const p = createProgress({ stream, quiet: true, now: clock.now });
    expect(p.enabled).toBe(false);
    clock.advance(1000);
    p.update(0.5);
    p.done();
    expect(writes).toEqual([]);
  });

  it('throttles to at most 10 redraws a second, however often it is called', () => {
    const { stream, writes } = fakeStream(true);
    const clock = fakeClock();
    const p = createProgress({ stream, now: clock.now, delayMs: 0 });
    // 10 000 calls over 2 s of (fake) time
    for (let i = 0; i < 10_000; i++) {
      clock.advance(0.2);
      p.update(i / 10_000);
    }
    expect(p.draws).toBeGreaterThanOrEqual(15);
    expect(p.draws).toBeLessThanOrEqual(21);
    expect(writes.length).toBe(p.draws);
    for (const w of writes) {
      expect(w.startsWith('\r')).toBe(true);
      expect(w).not.toContain('\n');
    }
    p.done();
    expect(writes[writes.length - 1]).toBe('\r\x1b[K');
  });

  it('stays quiet for short runs (delay) and then has nothing to clear', () => {
    const { stream, writes } = fakeStream(true);
    const clock = fakeClock();
    const p = createProgress({ stream, now: clock.now, delayMs: 300 });
    for (let i = 0; i < 100; i++) {
      clock.advance(2);
      p.update(i / 100);
    }
    p.done();
    expect(writes).toEqual([]);
  });
});

describe('renderBar and the summary line', () => {
  it('fits the terminal width and shows percent, elapsed and time left', () => {
    for (const columns of [20, 40, 80, 200]) {
      const s = renderBar('simulating', 0.45, 2, columns);
      expect([...s].length).toBeLessThanOrEqual(columns - 1);
      expect(s).toContain('45%');
    }
    expect(renderBar('simulating', 0.5, 2, 100)).toMatch(/simulating \[█+░+\]  50%  2\.0 s, ~2\.0 s left/);
    expect(renderBar('x', 1, 3, 100)).toMatch(/100%/);
    expect(renderBar('x', NaN, 0, 100)).toMatch(/ 0%/);
  });
  it('formats durations', () => {
    expect(formatDuration(1.234)).toBe('1.2 s');
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(184)).toBe('3 min 04 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
  });
  it('one summary line', () => {
    const s = formatRunSummary({ compartments: 1695, steps: 2000, tstop_ms: 50, wall_s: 0.8, outputs: ['out/traces.csv'] });
    expect(s).toBe('1695 compartments, 2000 steps, 50 ms simulated in 0.80 s (63 ms/s); wrote out/traces.csv');
    expect(s).not.toContain('\n');
  });
});
