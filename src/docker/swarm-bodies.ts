// The Go types of swarm-mode request bodies Shoal decodes (API 1.41's swarm.ServiceSpec): the fields Shoal
// reads are typed, so a wrong type gets Go's text; the rest of the spec is kept as sent.
import {
  goAny,
  goBool,
  goFloat64,
  goInt,
  goInt64,
  goMap,
  goNamedString,
  goSlice,
  goString,
  goStruct,
} from './go-types.js';
import { CONFIG_REFERENCE, SECRET_REFERENCE } from './secret-bodies.js';

const strings = goSlice(goString);
const uint64 = goInt('uint64', 64, true);
const uint32 = goInt('uint32', 32, true);
const duration = goInt('time.Duration', 64);

const CONTAINER_SPEC = goStruct(
  'swarm.ContainerSpec',
  {
    Image: goString,
    Labels: goMap(goString),
    Command: strings,
    Args: strings,
    Hostname: goString,
    Env: strings,
    Dir: goString,
    User: goString,
    Groups: strings,
    Init: goBool,
    StopSignal: goString,
    TTY: goBool,
    OpenStdin: goBool,
    ReadOnly: goBool,
    Mounts: goSlice(goAny, '[]mount.Mount'),
    StopGracePeriod: duration,
    Healthcheck: goAny,
    Hosts: strings,
    Secrets: goSlice(SECRET_REFERENCE, '[]*swarm.SecretReference'),
    Configs: goSlice(CONFIG_REFERENCE, '[]*swarm.ConfigReference'),
  },
  false,
);

const RESOURCES = goStruct('swarm.Resources', { NanoCPUs: goInt64, MemoryBytes: goInt64 }, false);

const TASK_SPEC = goStruct(
  'swarm.TaskSpec',
  {
    ContainerSpec: CONTAINER_SPEC,
    Resources: goStruct(
      'swarm.ResourceRequirements',
      {
        Limits: goStruct('swarm.Limit', { NanoCPUs: goInt64, MemoryBytes: goInt64, Pids: goInt64 }, false),
        Reservations: RESOURCES,
      },
      false,
    ),
    RestartPolicy: goStruct(
      'swarm.RestartPolicy',
      {
        Condition: goNamedString('swarm.RestartPolicyCondition'),
        Delay: duration,
        MaxAttempts: uint64,
        Window: duration,
      },
      false,
    ),
    Placement: goStruct(
      'swarm.Placement',
      {
        Constraints: strings,
        Preferences: goSlice(
          goStruct('swarm.PlacementPreference', {
            Spread: goStruct('swarm.SpreadOver', { SpreadDescriptor: goString }),
          }),
        ),
        MaxReplicas: uint64,
      },
      false,
    ),
    Networks: goSlice(
      goStruct('swarm.NetworkAttachmentConfig', {
        Target: goString,
        Aliases: strings,
        DriverOpts: goMap(goString),
      }),
    ),
    ForceUpdate: uint64,
  },
  false,
);

const UPDATE_CONFIG = goStruct(
  'swarm.UpdateConfig',
  {
    Parallelism: uint64,
    Delay: duration,
    FailureAction: goString,
    Monitor: duration,
    MaxFailureRatio: goFloat64,
    Order: goString,
  },
  false,
);

/** POST /services/create and /services/{id}/update (swarm.ServiceSpec, Annotations inline). */
export const SERVICE_SPEC = goStruct(
  'swarm.ServiceSpec',
  {
    Name: goString,
    Labels: goMap(goString),
    TaskTemplate: TASK_SPEC,
    Mode: goStruct(
      'swarm.ServiceMode',
      {
        Replicated: goStruct('swarm.ReplicatedService', { Replicas: uint64 }),
        Global: goStruct('swarm.GlobalService', {}),
      },
      false,
    ),
    UpdateConfig: UPDATE_CONFIG,
    RollbackConfig: UPDATE_CONFIG,
    EndpointSpec: goStruct(
      'swarm.EndpointSpec',
      {
        Mode: goString,
        Ports: goSlice(
          goStruct('swarm.PortConfig', {
            Name: goString,
            Protocol: goString,
            TargetPort: uint32,
            PublishedPort: uint32,
            PublishMode: goString,
          }),
        ),
      },
      false,
    ),
  },
  false,
);
