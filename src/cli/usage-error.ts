// Bad command-line input: reported with the command's usage and exit code 2, never as an operation failure.
import { CNIError, ErrorCode } from '../spec/index.ts';

/** A mistake in arguments, flags or the environment; `usage` is the help text to point at. */
export class UsageError extends CNIError {
  override name = 'UsageError' as const;
  /** The usage synopsis of the command the mistake was made in ('' when none applies). */
  readonly usage: string;

  /** `msg` names the flag, argument or variable at fault. */
  constructor(msg: string, usage = '') {
    super(ErrorCode.InvalidEnvironment, msg);
    this.usage = usage;
  }
}
