// The CNI spec's data as types: network configs, config lists, and results of each version family.

/** A JSON value as it comes from outside (stdin, files, plugin stdout) before narrowing. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonObject = { readonly [key: string]: JsonValue };

export type DNS = {
  readonly nameservers?: readonly string[];
  readonly domain?: string;
  readonly search?: readonly string[];
  readonly options?: readonly string[];
};

/** A single plugin's configuration (one element of a list's `plugins`, or a whole .conf file). */
export interface PluginConf {
  readonly cniVersion?: string;
  readonly name?: string;
  readonly type: string;
  readonly capabilities?: { readonly [capability: string]: boolean };
  readonly ipam?: { readonly type?: string; readonly [key: string]: unknown };
  readonly dns?: DNS;
  readonly args?: JsonObject;
  readonly runtimeConfig?: JsonObject;
  readonly prevResult?: JsonValue;
  /** Plugin-specific keys are kept as they were. */
  readonly [key: string]: unknown;
}

// ---- Results, one shape per version family --------------------------------------------------------------

/** 0.1.0 / 0.2.0 route. */
export interface Route020 {
  readonly dst: string;
  readonly gw?: string;
}
export interface IPConfig020 {
  readonly ip: string;
  readonly gateway?: string;
  readonly routes?: readonly Route020[];
}
/** Result of spec 0.1.0 and 0.2.0: at most one IPv4 and one IPv6 config. */
export interface Result020 {
  readonly cniVersion: '0.1.0' | '0.2.0';
  readonly ip4?: IPConfig020;
  readonly ip6?: IPConfig020;
  readonly dns?: DNS;
}

export interface Interface040 {
  readonly name: string;
  readonly mac?: string;
  readonly sandbox?: string;
}
export interface IPConfig040 {
  readonly version: '4' | '6';
  readonly interface?: number;
  readonly address: string;
  readonly gateway?: string;
}
export interface Route040 {
  readonly dst: string;
  readonly gw?: string;
}
/** Result of spec 0.3.0, 0.3.1 and 0.4.0. */
export interface Result040 {
  readonly cniVersion: '0.3.0' | '0.3.1' | '0.4.0';
  readonly interfaces?: readonly Interface040[];
  readonly ips?: readonly IPConfig040[];
  readonly routes?: readonly Route040[];
  readonly dns?: DNS;
}

export interface Interface100 {
  readonly name: string;
  readonly mac?: string;
  readonly mtu?: number;
  readonly sandbox?: string;
  readonly socketPath?: string;
  readonly pciID?: string;
}
export interface IPConfig100 {
  readonly interface?: number;
  readonly address: string;
  readonly gateway?: string;
}
export interface Route100 {
  readonly dst: string;
  readonly gw?: string;
  readonly mtu?: number;
  readonly advmss?: number;
  readonly priority?: number;
  readonly table?: number;
  readonly scope?: number;
}
/** Result of spec 1.0.0 and 1.1.0. */
export interface Result100 {
  readonly cniVersion: '1.0.0' | '1.1.0';
  readonly interfaces?: readonly Interface100[];
  readonly ips?: readonly IPConfig100[];
  readonly routes?: readonly Route100[];
  readonly dns?: DNS;
}

/** Any spec result; `cniVersion` discriminates the family. */
export type Result = Result020 | Result040 | Result100;

/** The `{cniVersion, supportedVersions}` answer of VERSION. */
export interface VersionInfo {
  readonly cniVersion: string;
  readonly supportedVersions: readonly string[];
}

/** An attachment named in GC's `cni.dev/valid-attachments`. */
export interface GCAttachment {
  readonly containerID: string;
  readonly ifname: string;
}
