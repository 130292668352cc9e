import { accessSync, constants } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { exec } from '../exec.ts';
import type { ExecResult } from '../exec.ts';

/** A network configuration list (a `.conflist`): plugins run in order on ADD and CHECK, in reverse on DEL. */
export interface CniNetworkList {
  cniVersion: string;
  name: string;
  /** When true, CHECK must not be called: cniCheck returns at once. */
  disableCheck?: boolean;
  plugins: Record<string, unknown>[];
}

/** One attachment, identified by (containerId, ifName); the same values must be used for its ADD, CHECK and DEL. */
export interface CniRuntime {
  containerId: string;
  netnsPath: string;
  ifName: string;
  /** CNI_ARGS, passed as `K=V;K=V`. Plugins reject unknown keys unless `IgnoreUnknown: '1'` is among them. */
  args?: Record<string, string>;
  /** Capability arguments, given to each plugin as `runtimeConfig` for the capabilities it declares. */
  capabilityArgs?: Record<string, unknown>;
}

/** The result of an ADD (spec 0.3.0 and later); unknown fields are kept, as it is passed back as prevResult. */
export interface CniResult {
  cniVersion: string;
  interfaces?: { name: string; mac?: string; sandbox?: string }[];
  ips?: { address: string; gateway?: string; interface?: number }[];
  routes?: { dst: string; gw?: string }[];
  dns?: Record<string, unknown>;
}

export type CniCommand = 'ADD' | 'CHECK' | 'DEL';

/** A failed plugin call: the plugin's error JSON `{code, msg, details}`, or else its stderr and exit code. */
export class CniError extends Error {
  readonly plugin: string;
  readonly command: CniCommand;
  /** The spec's error code (1–99 well-known, 100+ plugin-specific); undefined when the plugin gave none. */
  readonly code: number | undefined;
  readonly details: string | undefined;
  constructor(plugin: string, command: CniCommand, msg: string, code?: number, details?: string) {
    const what = code === undefined ? msg : `${msg} (code ${code})`;
    super(`CNI ${command} ${plugin}: ${what}${details ? `: ${details}` : ''}`);
    this.name = 'CniError';
    this.plugin = plugin;
    this.command = command;
    this.code = code;
    this.details = details;
  }
}

export interface CniOptions {
  /** Where plugin binaries live, also CNI_PATH for delegated (IPAM) plugins; default /usr/lib/cni. */
  pluginDir?: string;
  /** Prepended to each plugin's argv, e.g. `['ip', 'netns', 'exec', ns]` to run it in the node's namespace. */
  execPrefix?: readonly string[];
  signal?: AbortSignal;
}

/** The newest spec version containernetworking-plugins 1.1.1 speaks. */
const specVersion = '1.0.0';
const namePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Adds the attachment: each plugin in order, each given the previous one's result. Returns the final result,
 * which the caller must keep for CHECK and DEL. After a failed ADD the caller must still call cniDel.
 */
export async function cniAdd(net: CniNetworkList, rt: CniRuntime, opts: CniOptions = {}): Promise<CniResult> {
  return (await run('ADD', net, rt, opts))!;
}

/** Checks the attachment: each plugin in order, each given the ADD's final result. Throws CniError on failure. */
export async function cniCheck(
  net: CniNetworkList,
  rt: CniRuntime,
  prevResult: CniResult,
  opts: CniOptions = {},
): Promise<void> {
  if (!net.disableCheck) await run('CHECK', net, rt, opts, prevResult);
}

/**
 * Deletes the attachment: plugins in reverse order, each given the ADD's final result when known. Plugins must
 * succeed when the attachment is already gone, so this may be repeated, and is how a failed ADD is undone.
 */
export async function cniDel(
  net: CniNetworkList,
  rt: CniRuntime,
  prevResult?: CniResult,
  opts: CniOptions = {},
): Promise<void> {
  await run('DEL', net, rt, opts, prevResult);
}

/**
 * A node's pod network: a bridge that is the pods' gateway (no masquerade, hairpin on) with host-local
 * addresses from the node's podCIDR and a default route. Its state lives in dataDir, never /var/lib/cni.
 */
export function podBridgeNetwork(o: {
  name: string;
  bridge: string;
  subnet: string;
  dataDir: string;
  mtu?: number;
}): CniNetworkList {
  if (!isAbsolute(o.dataDir) || resolve(o.dataDir).startsWith('/var/lib/cni'))
    throw new Error(`podBridgeNetwork: dataDir must be absolute and not in /var/lib/cni: "${o.dataDir}"`);
  const bridge = {
    type: 'bridge',
    bridge: o.bridge,
    isGateway: true,
    ipMasq: false,
    hairpinMode: true,
    ipam: {
      type: 'host-local',
      ranges: [[{ subnet: o.subnet }]],
      routes: [{ dst: '0.0.0.0/0' }],
      dataDir: o.dataDir,
    },
    ...(o.mtu === undefined ? {} : { mtu: o.mtu }),
  };
  return { cniVersion: specVersion, name: o.name, plugins: [bridge] };
}

/**
 * A node's pod network without a bridge, as calico wires pods: the `ptp` plugin gives each pod a veth whose
 * node end holds the gateway (the podCIDR's first address, as a /32) and a /32 route to the pod; host-local
 * addresses from the node's podCIDR, a default route via the gateway, no masquerade.
 */
export function podPtpNetwork(o: {
  name: string;
  subnet: string;
  dataDir: string;
  mtu?: number;
}): CniNetworkList {
  if (!isAbsolute(o.dataDir) || resolve(o.dataDir).startsWith('/var/lib/cni'))
    throw new Error(`podPtpNetwork: dataDir must be absolute and not in /var/lib/cni: "${o.dataDir}"`);
  const ptp = {
    type: 'ptp',
    ipMasq: false,
    ipam: {
      type: 'host-local',
      ranges: [[{ subnet: o.subnet }]],
      routes: [{ dst: '0.0.0.0/0' }],
      dataDir: o.dataDir,
    },
    ...(o.mtu === undefined ? {} : { mtu: o.mtu }),
  };
  return { cniVersion: specVersion, name: o.name, plugins: [ptp] };
}

/** The loopback network, attached with ifName "lo" to bring a pod's lo up, before its pod network. */
export function loopbackNetwork(): CniNetworkList {
  return { cniVersion: specVersion, name: 'cni-loopback', plugins: [{ type: 'loopback' }] };
}

/**
 * The configuration one plugin reads on stdin: its own object without `capabilities`, with the list's name
 * and cniVersion, `runtimeConfig` for the capabilities it declares, and `prevResult` when given.
 */
export function pluginConfig(
  net: CniNetworkList,
  plugin: Record<string, unknown>,
  prevResult?: CniResult,
  capabilityArgs: Record<string, unknown> = {},
): Record<string, unknown> {
  const { capabilities, ...rest } = plugin;
  const conf: Record<string, unknown> = { ...rest, cniVersion: net.cniVersion, name: net.name };
  const caps = isObject(capabilities) ? capabilities : {};
  const runtimeConfig = Object.entries(capabilityArgs).filter(([k]) => caps[k] === true);
  if (runtimeConfig.length) conf.runtimeConfig = Object.fromEntries(runtimeConfig);
  if (prevResult) conf.prevResult = prevResult;
  return conf;
}

/** A plugin's environment: the caller's, minus any inherited CNI_* variables, plus the protocol's. */
export function pluginEnv(
  command: CniCommand,
  rt: CniRuntime,
  pluginDir: string,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const args = Object.entries(rt.args ?? {});
  for (const [k, v] of args)
    if (!k || /[;=]/.test(k) || /[;=]/.test(v))
      throw new Error(`CNI_ARGS: bad pair ${JSON.stringify([k, v])}`);
  return {
    ...Object.fromEntries(Object.entries(base).filter(([k]) => !k.startsWith('CNI_'))),
    CNI_COMMAND: command,
    CNI_CONTAINERID: rt.containerId,
    CNI_NETNS: rt.netnsPath,
    CNI_IFNAME: rt.ifName,
    CNI_ARGS: args.map(([k, v]) => `${k}=${v}`).join(';'),
    CNI_PATH: pluginDir,
  };
}

/** Parses an ADD's stdout; results older than spec 0.3.0 (`ip4`/`ip6`) are rejected. */
export function parseCniResult(stdout: string, plugin: string): CniResult {
  const bad = (why: string) =>
    new CniError(plugin, 'ADD', `bad result: ${why}`, undefined, stdout.slice(0, 500));
  let r: unknown;
  try {
    r = JSON.parse(stdout);
  } catch {
    throw bad('not JSON');
  }
  if (!isObject(r) || typeof r.cniVersion !== 'string') throw bad('no cniVersion');
  if ('ip4' in r || 'ip6' in r) throw bad(`spec ${r.cniVersion} result format is not supported`);
  for (const key of ['interfaces', 'ips', 'routes'])
    if (r[key] !== undefined && !Array.isArray(r[key])) throw bad(`${key} is not a list`);
  if (Array.isArray(r.ips) && !r.ips.every((ip) => isObject(ip) && typeof ip.address === 'string'))
    throw bad('an ips entry has no address');
  return r as unknown as CniResult;
}

/** The CniError for a failed call: the error JSON on stdout when the plugin wrote one, else stderr. */
export function cniErrorFrom(plugin: string, command: CniCommand, r: ExecResult): CniError {
  try {
    const e: unknown = JSON.parse(r.stdout);
    const details = isObject(e) && typeof e.details === 'string' ? e.details : undefined;
    if (isObject(e) && typeof e.code === 'number' && typeof e.msg === 'string')
      return new CniError(plugin, command, e.msg, e.code, details);
  } catch {
    /* not an error object: fall through to the raw output */
  }
  const text = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-12).join('\n');
  return new CniError(plugin, command, `exit code ${r.exitCode}${text ? `: ${text}` : ''}`);
}

/** Runs every plugin of the list for one command; ADD's chain of results is the return value. */
async function run(
  command: CniCommand,
  net: CniNetworkList,
  rt: CniRuntime,
  opts: CniOptions,
  prevResult?: CniResult,
): Promise<CniResult | undefined> {
  const dir = opts.pluginDir ?? '/usr/lib/cni';
  const plugins = pluginsOf(net, rt, command, dir);
  let prev = prevResult;
  for (const plugin of command === 'DEL' ? plugins.reverse() : plugins) {
    const type = plugin.type as string;
    const r = await exec([...(opts.execPrefix ?? []), join(dir, type)], {
      input: JSON.stringify(pluginConfig(net, plugin, prev, rt.capabilityArgs)),
      env: pluginEnv(command, rt, dir),
      allowFailure: true,
      signal: opts.signal,
    });
    if (r.exitCode !== 0) throw cniErrorFrom(type, command, r);
    if (command === 'ADD') prev = parseCniResult(r.stdout, type);
  }
  return prev;
}

/** Validates the list and attachment and finds every binary before running any, so a typo changes nothing. */
function pluginsOf(net: CniNetworkList, rt: CniRuntime, command: CniCommand, dir: string) {
  const fail = (msg: string) => new Error(`CNI ${command} on network "${net.name}": ${msg}`);
  if (!namePattern.test(net.name)) throw fail('bad network name');
  if (!net.cniVersion) throw fail('no cniVersion');
  if (!net.plugins.length) throw fail('no plugins');
  if (!namePattern.test(rt.containerId)) throw fail(`bad container ID "${rt.containerId}"`);
  if (!rt.ifName) throw fail('no interface name');
  for (const { type } of net.plugins) {
    if (typeof type !== 'string' || !/^[^/.][^/]*$/.test(type))
      throw fail(`bad plugin type ${JSON.stringify(type)}`);
    try {
      accessSync(join(dir, type), constants.X_OK);
    } catch {
      throw new CniError(type, command, `no executable plugin ${join(dir, type)}`);
    }
  }
  return [...net.plugins];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
