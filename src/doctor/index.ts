export { DEFAULT_MIN_AGE_MS, type DoctorOptions, type DoctorRun, runDoctorOnce } from './doctor.ts';
export { type CommandOptions, type CommandResult, type RunCommand, runCommand } from './exec.ts';
export { type LockBackend, type LockOptions, lockStore, type StoreLock, withStoreLock } from './flock.ts';
export { type ExternalLive, type LiveSources, parseIdList, readExternalLive } from './liveness.ts';
export { DoctorMetrics, METRIC_NAMES, writeMetricsFile } from './metrics.ts';
export { describeAction, type PlanOptions, plan } from './plan.ts';
export { DEFAULT_NETNS_DIR } from './probes/netns.ts';
export {
  type DoctorReport,
  formatAge,
  type ReportSummary,
  renderText,
  summarize,
  summaryLine,
  toReport,
} from './report.ts';
export { type Scan, type ScanOptions, scan } from './scan.ts';
export type * from './types.ts';
export { FINDING_KINDS } from './types.ts';
export { type ListenAddress, metricsServer, parseListen, type WatchOptions, watch } from './watch.ts';
