// Reads the CNI_* variables the way libcni's skel does (getCmdArgsFromEnv): which ones each command needs, which
// are validated, and the single "required env variables [A,B] missing" error listing every missing one.
import { CNIError, ErrorCode, validateContainerId, validateInterfaceName } from '../spec/index.ts';

/** The CNI_* variables as strings ('' when unset). */
export interface EnvArgs {
  readonly command: string;
  readonly containerId: string;
  readonly netns: string;
  readonly ifName: string;
  readonly args: string;
  readonly path: string;
  readonly netnsOverride: string;
}

type Field = Exclude<keyof EnvArgs, 'command'>;

interface VarRule {
  readonly name: string;
  readonly field: Field | 'command';
  /** Commands for which the variable must be non-empty (and is then validated). */
  readonly requiredFor: readonly string[];
  readonly validate?: (value: string) => void;
}

// Upstream's declaration order: it fixes the order of names in the "missing" message.
const RULES: readonly VarRule[] = [
  { name: 'CNI_COMMAND', field: 'command', requiredFor: ['ADD', 'CHECK', 'DEL', 'GC', 'STATUS'] },
  {
    name: 'CNI_CONTAINERID',
    field: 'containerId',
    requiredFor: ['ADD', 'CHECK', 'DEL'],
    validate: validateContainerId,
  },
  // DEL must work after the namespace is gone (spec §DEL), so CNI_NETNS is not required there.
  { name: 'CNI_NETNS', field: 'netns', requiredFor: ['ADD', 'CHECK'] },
  { name: 'CNI_IFNAME', field: 'ifName', requiredFor: ['ADD', 'CHECK', 'DEL'], validate: validateInterfaceName },
  { name: 'CNI_ARGS', field: 'args', requiredFor: [] },
  { name: 'CNI_PATH', field: 'path', requiredFor: ['ADD', 'CHECK', 'DEL', 'GC', 'STATUS'] },
  { name: 'CNI_NETNS_OVERRIDE', field: 'netnsOverride', requiredFor: [] },
];

/**
 * Collects the CNI_* variables; throws the first validation error of a present required variable at once, else
 * code 4 naming every missing one (CNI_COMMAND is always required).
 */
export function readEnvArgs(env: Readonly<Record<string, string | undefined>>): EnvArgs {
  const command = env.CNI_COMMAND ?? '';
  const values: Record<keyof EnvArgs, string> = {
    command,
    containerId: '',
    netns: '',
    ifName: '',
    args: '',
    path: '',
    netnsOverride: '',
  };
  const missing: string[] = [];
  for (const rule of RULES) {
    const value = env[rule.name] ?? '';
    values[rule.field] = value;
    const required = rule.field === 'command' || rule.requiredFor.includes(command);
    if (value === '') {
      if (required) missing.push(rule.name);
    } else if (required && rule.validate !== undefined) {
      rule.validate(value);
    }
  }
  if (missing.length > 0) {
    throw new CNIError(ErrorCode.InvalidEnvironment, `required env variables [${missing.join(',')}] missing`);
  }
  return values;
}
