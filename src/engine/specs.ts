// What an engine says about itself (/version, /info) turned into its identity, resources and labels.
import {
  SHOAL_MAX_API_VERSION,
  SHOAL_MIN_API_VERSION,
  compareVersions,
  minVersion,
} from '../docker/api-version.js';
import { BUILTIN_ENGINE_LABELS, isBuiltinEngineLabel } from '../docker/engine-labels.js';

export interface VersionResponse {
  Version?: string;
  ApiVersion?: string;
  MinAPIVersion?: string;
  Os?: string;
  KernelVersion?: string;
}

export interface InfoResponse {
  ID?: string;
  Name?: string;
  NCPU?: number;
  MemTotal?: number;
  Labels?: string[] | null;
  Driver?: string;
  KernelVersion?: string;
  OperatingSystem?: string;
  OSType?: string;
  ServerVersion?: string;
  SystemTime?: string;
  Images?: number;
  Architecture?: string;
  /** Plugin names by type: Volume, Network, Authorization, Log. */
  Plugins?: Record<string, string[] | null> | null;
}

/** A plugin as a swarm node describes it (`Description.Engine.Plugins`). */
export interface EnginePlugin {
  Type: string;
  Name: string;
}

export interface EngineSpecs {
  id: string;
  name: string;
  cpus: number;
  memory: number;
  labels: Record<string, string>;
  serverVersion: string;
  /** The version Shoal speaks to this engine when the client does not ask for one. */
  apiVersion: string;
  maxApiVersion: string;
  minApiVersion: string;
  osType: string;
  /** `x86_64`, `aarch64`: the engine's own word, as a swarm node reports its platform. */
  architecture: string;
  /** By type, then name, as a swarm node lists them. */
  plugins: EnginePlugin[];
  /** Manager clock minus engine clock, in ms (0 when within 2 s). */
  clockDeltaMs: number;
  warnings: string[];
}

export class SpecsError extends Error {
  override name = 'SpecsError';
}

const BUILTINS = BUILTIN_ENGINE_LABELS;

/** The labels classic Swarm adds to every engine's own (`--label`) ones. */
export const BUILTIN_LABELS: readonly string[] = BUILTINS;

export function buildSpecs(
  addr: string,
  version: VersionResponse,
  info: InfoResponse,
  now = Date.now(),
): EngineSpecs {
  const maxApiVersion = version.ApiVersion ?? '';
  if (!maxApiVersion) throw new SpecsError(`engine at ${addr} did not report an API version`);
  if (compareVersions(maxApiVersion, SHOAL_MIN_API_VERSION) < 0) {
    throw new SpecsError(
      `engine at ${addr} speaks API ${maxApiVersion}; Shoal needs ${SHOAL_MIN_API_VERSION} or newer`,
    );
  }
  const id = info.ID ?? '';
  const cpus = info.NCPU ?? 0;
  const memory = info.MemTotal ?? 0;
  if (cpus === 0 || memory === 0) {
    throw new SpecsError(
      `cannot get resources for this engine, make sure ${addr} is a Docker Engine, not a Swarm manager`,
    );
  }
  const { labels, warnings } = buildLabels(addr, id, info);
  const systemTime = info.SystemTime ? Date.parse(info.SystemTime) : NaN;
  const delta = Number.isNaN(systemTime) ? 0 : now - systemTime;
  return {
    id,
    name: info.Name ?? '',
    cpus,
    memory,
    labels,
    serverVersion: info.ServerVersion ?? version.Version ?? '',
    apiVersion: minVersion(maxApiVersion, SHOAL_MAX_API_VERSION),
    maxApiVersion,
    minApiVersion: version.MinAPIVersion ?? '1.12',
    osType: info.OSType ?? version.Os ?? '',
    architecture: info.Architecture ?? '',
    plugins: pluginsOf(info.Plugins),
    clockDeltaMs: Math.abs(delta) >= 2000 ? delta : 0,
    warnings,
  };
}

function pluginsOf(plugins: InfoResponse['Plugins']): EnginePlugin[] {
  const out: EnginePlugin[] = [];
  for (const [type, names] of Object.entries(plugins ?? {})) {
    for (const name of names ?? []) if (typeof name === 'string') out.push({ Type: type, Name: name });
  }
  return out.sort((a, b) =>
    a.Type === b.Type ? a.Name.localeCompare(b.Name) : a.Type.localeCompare(b.Type),
  );
}

function buildLabels(
  addr: string,
  id: string,
  info: InfoResponse,
): { labels: Record<string, string>; warnings: string[] } {
  const labels: Record<string, string> = {};
  const warnings: string[] = [];
  const builtins: Record<(typeof BUILTINS)[number], string | undefined> = {
    storagedriver: info.Driver,
    kernelversion: info.KernelVersion,
    operatingsystem: info.OperatingSystem,
    ostype: info.OSType,
  };
  for (const key of BUILTINS) {
    const v = builtins[key];
    if (v) labels[key] = v;
  }
  for (const label of info.Labels ?? []) {
    const eq = label.indexOf('=');
    if (eq < 0) {
      throw new SpecsError(
        `Engine (ID: ${id}, Addr: ${addr}) contains an invalid label (${label}) not formatted as "key=value".`,
      );
    }
    const key = label.slice(0, eq);
    if (key === 'node') {
      warnings.push(`Engine (ID: ${id}, Addr: ${addr}) has a label "node" which is reserved; ignored`);
      continue;
    }
    if (isBuiltinEngineLabel(key)) {
      warnings.push(
        `Engine (ID: ${id}, Addr: ${addr}) label ${key} cannot override a built-in label; ignored`,
      );
      continue;
    }
    labels[key] = label.slice(eq + 1);
  }
  return { labels, warnings };
}
