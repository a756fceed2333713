// The doctor lives in src/cli/doctor.ts (its own owner) and loads only when asked for: it pulls in probes and
// metrics that no other command needs. Until that file exists, the command says so instead of failing obscurely.
import { parseArgs } from 'node:util';
import type { CliIO } from './io.ts';
import { COMMON_FLAGS, type CommonOptions, resolveCommon } from './options.ts';

/** What src/cli/doctor.ts must export. */
export interface DoctorModule {
  runDoctor(argv: string[], common: CommonOptions): Promise<number>;
}

function isDoctorModule(m: unknown): m is DoctorModule {
  return typeof m === 'object' && m !== null && typeof Reflect.get(m, 'runDoctor') === 'function';
}

// A literal import('./doctor.ts') fails type-checking and bundling while the file is missing; the specifier is
// kept in a variable until the doctor lands (then this becomes a literal so esbuild bundles it).
const DOCTOR_MODULE = './doctor.ts';

/** Loads the doctor; undefined when it is not built into this copy of cnikit. */
async function loadDoctor(): Promise<DoctorModule | undefined> {
  try {
    const mod: unknown = await import(DOCTOR_MODULE);
    return isDoctorModule(mod) ? mod : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `cnikit doctor`: the common flags are read here (unknown flags are the doctor's own), then the doctor gets
 * the whole argv (it accepts COMMON_FLAGS too) and the resolved CommonOptions.
 */
export async function doctorCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: COMMON_FLAGS, allowPositionals: true, strict: false });
  const common = resolveCommon(values, io.env, 'Usage: cnikit doctor [flags]');
  const doctor = await loadDoctor();
  if (doctor === undefined) {
    io.stderr.write('doctor: not built yet\n');
    return 1;
  }
  return doctor.runDoctor([...argv], common);
}
