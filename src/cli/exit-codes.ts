// The process exit codes of every cnikit command, in one place so --help, the README and the code agree.

/** Exit codes: 0 success, 1 the operation failed, 2 bad usage, 3 damage found (cache verify/show, doctor), 130 interrupted. */
export const ExitCode = {
  Ok: 0,
  Failed: 1,
  Usage: 2,
  BadCache: 3,
  Interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit-code table as printed at the end of every --help. */
export const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    the operation failed (plugin error, config not found, ...)
  2    usage error (unknown flag, missing argument, bad CNI_ARGS/CAP_ARGS/--timeout)
  3    damage found: cache verify/show met an empty or corrupt (with --strict: unfinished) entry;
       doctor found leaks (dry run) or left some (after --fix)
  130  interrupted (SIGINT)`;
