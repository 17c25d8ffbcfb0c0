// The Go types of the request bodies Shoal decodes itself, as Docker 20.10 (API 1.41) declares them: the
// fields Shoal reads or must not lose are typed; the rest of a body is kept for the engine to check.
import {
  goAny,
  goBool,
  goInt64,
  goIntNative,
  goMap,
  goNamedString,
  goSlice,
  goString,
  goStruct,
  type GoType,
  type StructType,
} from './go-types.js';

const stringMap = goMap(goString);
const strings = goSlice(goString);
const emptyStruct = goStruct('struct {}', {});

export const VOLUME_CREATE = goStruct(
  'volume.VolumeCreateBody',
  { Name: goString, Driver: goString, DriverOpts: stringMap, Labels: stringMap },
  false,
);

const IPAM_CONFIG = goStruct('network.IPAMConfig', {
  Subnet: goString,
  IPRange: goString,
  Gateway: goString,
  AuxiliaryAddresses: stringMap,
});

export const NETWORK_CREATE = goStruct(
  'types.NetworkCreateRequest',
  {
    Name: goString,
    CheckDuplicate: goBool,
    Driver: goString,
    Scope: goString,
    EnableIPv6: goBool,
    IPAM: goStruct('network.IPAM', { Driver: goString, Options: stringMap, Config: goSlice(IPAM_CONFIG) }),
    Internal: goBool,
    Attachable: goBool,
    Ingress: goBool,
    ConfigOnly: goBool,
    ConfigFrom: goStruct('network.ConfigReference', { Network: goString }),
    Options: stringMap,
    Labels: stringMap,
  },
  false,
);

const ENDPOINT_SETTINGS = goStruct('network.EndpointSettings', {}, false);

export const NETWORK_CONNECT = goStruct(
  'types.NetworkConnect',
  { Container: goString, EndpointConfig: ENDPOINT_SETTINGS },
  false,
);

export const NETWORK_DISCONNECT = goStruct(
  'types.NetworkDisconnect',
  { Container: goString, Force: goBool },
  false,
);

const PORT_BINDING = goStruct('nat.PortBinding', { HostIp: goString, HostPort: goString });

/** container.HostConfig: the fields placement reads. */
const HOST_CONFIG = goStruct(
  'container.HostConfig',
  {
    NetworkMode: goNamedString('container.NetworkMode'),
    PortBindings: goMap(goSlice(PORT_BINDING, '[]nat.PortBinding'), 'nat.PortMap'),
    VolumesFrom: strings,
    Links: strings,
    Memory: goInt64,
    MemoryReservation: goInt64,
    NanoCpus: goInt64,
    CpuShares: goInt64,
  },
  false,
);

/** container.Config, every field: a body with none of them has no config (the engine refuses it). */
const CONFIG_FIELDS: Record<string, GoType> = {
  Hostname: goString,
  Domainname: goString,
  User: goString,
  AttachStdin: goBool,
  AttachStdout: goBool,
  AttachStderr: goBool,
  ExposedPorts: goMap(emptyStruct, 'nat.PortSet'),
  Tty: goBool,
  OpenStdin: goBool,
  StdinOnce: goBool,
  Env: strings,
  Cmd: goAny, // strslice: a string or a list of them
  Healthcheck: goAny,
  ArgsEscaped: goBool,
  Image: goString,
  Volumes: goMap(emptyStruct),
  WorkingDir: goString,
  Entrypoint: goAny,
  NetworkDisabled: goBool,
  MacAddress: goString,
  OnBuild: strings,
  Labels: stringMap,
  StopSignal: goString,
  StopTimeout: goIntNative,
  Shell: goAny,
};

/** runconfig.ContainerConfigWrapper: container.Config, HostConfig, NetworkingConfig, and (before API 1.19) some HostConfig fields at the top. */
export const CONTAINER_CREATE: StructType = goStruct(
  'runconfig.ContainerConfigWrapper',
  {
    ...CONFIG_FIELDS,
    HostConfig: HOST_CONFIG,
    NetworkingConfig: goStruct(
      'network.NetworkingConfig',
      { EndpointsConfig: goMap(ENDPOINT_SETTINGS, 'map[string]*network.EndpointSettings', true) },
      false,
    ),
    Memory: goInt64,
    CpuShares: goInt64,
  },
  false,
);

/** Whether a decoded create body sets any field of container.Config (Go leaves the config nil otherwise). */
export function hasConfig(body: Record<string, unknown>): boolean {
  return Object.keys(body).some((k) => Object.hasOwn(CONFIG_FIELDS, k));
}

/** The `buildargs` query parameter: map[string]*string. */
export const BUILD_ARGS = goMap(goString, 'map[string]*string', true);

/** The `filters` query parameter, and its legacy form (map of lists). */
export const FILTERS = goMap(goMap(goBool), 'map[string]map[string]bool');
export const LEGACY_FILTERS = goMap(strings, 'map[string][]string');

/** POST /nodes/{id}/update (swarm.NodeSpec: Annotations inline). */
export const NODE_SPEC = goStruct(
  'swarm.NodeSpec',
  {
    Name: goString,
    Labels: stringMap,
    Role: goNamedString('swarm.NodeRole'),
    Availability: goNamedString('swarm.NodeAvailability'),
  },
  false,
);
