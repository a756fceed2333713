// The doctor lives in src/cli/doctor.ts (its own owner) and loads only when asked for: it pulls in probes and
// metrics that no other command needs, so the other commands start without paying for them.
import { parseArgs } from 'node:util';
import type { CliIO } from './io.ts';
import { COMMON_FLAGS, resolveCommon } from './options.ts';

/**
 * Runs `cnikit doctor`: the common flags are read here (unknown flags are the doctor's own), then the doctor gets
 * the whole argv (it accepts COMMON_FLAGS too), the resolved CommonOptions and the process view.
 */
export async function doctorCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: COMMON_FLAGS, allowPositionals: true, strict: false });
  const common = resolveCommon(values, io.env, 'Usage: cnikit doctor [flags]');
  const { runDoctor } = await import('./doctor.ts');
  return runDoctor([...argv], common, io);
}
