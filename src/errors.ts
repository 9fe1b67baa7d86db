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
