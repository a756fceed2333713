// Issue 9: the Kubernetes manifests in deploy/kubernetes. Each document is checked against the Kubernetes API's own
// schema (kubernetes-models' validators, generated from the OpenAPI spec: types, enums, required fields), then
// against what the doctor needs and must not have: dry run, least privilege, the host mounts, and a scrape config
// that points at the port the doctor really listens on. No cluster and no network needed.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { parseAllDocuments } from 'yaml';
import { DOCTOR_HELP } from '../../src/cli/doctor.ts';
import { METRIC_NAMES } from '../../src/doctor/index.ts';
import { REPO_ROOT } from '../helpers/index.ts';

const DIR = join(REPO_ROOT, 'deploy', 'kubernetes');

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Follows a path of keys/indexes; throws naming the path when something is missing, so a typo'd key fails. */
function at(v: unknown, ...path: (string | number)[]): unknown {
  let cur = v;
  for (const [i, k] of path.entries()) {
    const next = typeof k === 'number' ? (Array.isArray(cur) ? cur[k] : undefined) : isObj(cur) ? cur[k] : undefined;
    if (next === undefined) throw new Error(`missing ${path.slice(0, i + 1).join('.')}`);
    cur = next;
  }
  return cur;
}

function docs(): Map<string, Obj> {
  const out = new Map<string, Obj>();
  for (const file of readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    for (const d of parseAllDocuments(readFileSync(join(DIR, file), 'utf8'))) {
      assert.deepEqual(d.errors, [], `${file} parses`);
      const obj: unknown = d.toJS();
      assert.ok(isObj(obj), `${file}: a YAML mapping`);
      out.set(`${String(obj.kind)}/${file}`, obj);
    }
  }
  return out;
}

function one(all: Map<string, Obj>, kind: string): Obj {
  const found = [...all.entries()].filter(([k]) => k.startsWith(`${kind}/`));
  assert.equal(found.length, 1, `exactly one ${kind}`);
  return found[0]?.[1] ?? {};
}

describe('deploy/kubernetes', () => {
  const all = docs();
  const ds = one(all, 'DaemonSet');
  const pod = at(ds, 'spec', 'template', 'spec');
  const container = at(pod, 'containers', 0);
  const args = at(container, 'args') as string[];

  it('every object passes the Kubernetes API schema', () => {
    new Namespace(one(all, 'Namespace')).validate();
    new DaemonSet(ds).validate();
    new Service(one(all, 'Service')).validate();
    // A schema that rejects nothing would prove nothing: a wrong type must fail.
    const bad: Obj = { ...ds, spec: { ...(at(ds, 'spec') as Obj), minReadySeconds: 'soon' } };
    assert.throws(() => new DaemonSet(bad).validate(), /minReadySeconds/);
  });

  it('the kustomization lists every manifest', () => {
    const k = one(all, 'Kustomization');
    const files = readdirSync(DIR)
      .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
      .sort();
    assert.deepEqual([...(at(k, 'resources') as string[])].sort(), files);
  });

  it('runs the doctor in watch mode, dry run, with flags the CLI knows', () => {
    assert.deepEqual(at(container, 'command'), ['cnikit']);
    assert.equal(args[0], 'doctor');
    assert.ok(args.includes('--watch'));
    assert.ok(!args.some((a) => a === '--fix' || a.startsWith('--fix=')), 'dry run by default');
    for (const a of args.slice(1)) {
      const flag = a.split('=')[0] ?? a;
      assert.ok(DOCTOR_HELP.includes(`${flag} `), `cnikit doctor knows ${flag}`);
    }
  });

  it('has the least privilege the doctor can have', () => {
    const sc = at(container, 'securityContext') as Obj;
    assert.equal(at(pod, 'hostNetwork'), true, 'links and iptables of the node');
    assert.equal(at(pod, 'automountServiceAccountToken'), false);
    assert.equal(sc.privileged, false);
    assert.equal(sc.allowPrivilegeEscalation, false);
    assert.equal(sc.readOnlyRootFilesystem, true);
    assert.deepEqual(at(sc, 'capabilities', 'drop'), ['ALL']);
    const added = at(sc, 'capabilities', 'add') as string[];
    assert.deepEqual([...added].sort(), ['NET_ADMIN', 'NET_RAW'], 'a dry run never enters a netns: no SYS_ADMIN');
    assert.equal(at(sc, 'seccompProfile', 'type'), 'RuntimeDefault');
    assert.equal(isObj(pod) && 'hostPID' in pod, false);
  });

  it('mounts the host paths it reads, read-only', () => {
    const mounts = at(container, 'volumeMounts') as Obj[];
    const volumes = new Map(
      (at(pod, 'volumes') as Obj[]).map((v) => [String(v.name), String(at(v, 'hostPath', 'path'))]),
    );
    const byPath = new Map(mounts.map((m) => [String(m.mountPath), m]));
    for (const path of ['/var/lib/cni', '/etc/cni/net.d', '/opt/cni/bin', '/run/netns']) {
      const m = byPath.get(path);
      assert.ok(m !== undefined, `mounts ${path}`);
      assert.equal(m.readOnly, true, `${path} read-only`);
      assert.equal(volumes.get(String(m.name)), path, `${path} comes from the host's ${path}`);
    }
    assert.equal(byPath.get('/run/netns')?.mountPropagation, 'HostToContainer');
    const flag = (name: string): string | undefined =>
      args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
    assert.equal(flag('cache-dir'), '/var/lib/cni');
    assert.equal(flag('conf-dir'), '/etc/cni/net.d');
    assert.equal(flag('cni-path'), '/opt/cni/bin');
    assert.equal(flag('netns-dir'), '/run/netns');
  });

  it('scrape configs point at the port the doctor listens on', () => {
    const listen = args
      .find((a) => a.startsWith('--listen='))
      ?.split(':')
      .pop();
    const port = at(container, 'ports', 0) as Obj;
    assert.equal(String(port.containerPort), listen);
    assert.equal(port.name, 'metrics');
    assert.equal(at(container, 'livenessProbe', 'httpGet', 'path'), '/healthz');
    const podLabels = at(ds, 'spec', 'template', 'metadata', 'labels') as Obj;
    const annotations = at(ds, 'spec', 'template', 'metadata', 'annotations') as Obj;
    assert.equal(annotations['prometheus.io/port'], listen);
    const svc = one(all, 'Service');
    for (const [k, v] of Object.entries(at(svc, 'spec', 'selector') as Obj))
      assert.equal(podLabels[k], v, `Service selects the pods by ${k}`);
    assert.equal(at(svc, 'spec', 'ports', 0, 'targetPort'), 'metrics');
    const pm = one(all, 'PodMonitor');
    assert.equal(pm.apiVersion, 'monitoring.coreos.com/v1');
    for (const [k, v] of Object.entries(at(pm, 'spec', 'selector', 'matchLabels') as Obj))
      assert.equal(podLabels[k], v);
    assert.equal(at(pm, 'spec', 'podMetricsEndpoints', 0, 'port'), 'metrics');
    assert.equal(at(pm, 'spec', 'podMetricsEndpoints', 0, 'path'), '/metrics');
  });

  it('the README documents every metric the doctor exports', () => {
    const readme = readFileSync(join(DIR, 'README.md'), 'utf8');
    for (const name of METRIC_NAMES) assert.ok(readme.includes(name), `README mentions ${name}`);
  });
});
