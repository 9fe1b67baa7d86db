/**
 * A mistake in what the user gave us (a file, a protocol, a flag). The CLI prints `message` and
 * exits with status 1, never a stack trace. Anything else thrown is a bug in Dendrite.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * The command was stopped by a signal (Ctrl-C while computing; cli/interrupt.ts). The CLI prints
 * `message` (one line saying what is on disk) and exits with `exitCode`, 128 + the signal number.
 */
export class InterruptedError extends Error {
  readonly signal: NodeJS.Signals;
  readonly exitCode: number;
  constructor(signal: NodeJS.Signals, signalNumber: number, message: string) {
    super(message);
    this.name = 'InterruptedError';
    this.signal = signal;
    this.exitCode = 128 + signalNumber;
  }
}
