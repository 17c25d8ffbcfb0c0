// The Go types of swarm mode's secret and config bodies (API 1.41's swarm.SecretSpec, swarm.ConfigSpec) and
// of a service's references to them: a wrongly typed field gets Go's text. Data ([]byte) is read by
// src/secrets/validate.ts, as Go reads base64.
import { goAny, goInt, goMap, goString, goStruct } from './go-types.js';

const DRIVER = goStruct('swarm.Driver', { Name: goString, Options: goMap(goString) });
const FILE_TARGET = (name: string) =>
  goStruct(name, { Name: goString, UID: goString, GID: goString, Mode: goInt('os.FileMode', 32, true) });

/** POST /secrets/create and /secrets/{id}/update. */
export const SECRET_SPEC = goStruct('swarm.SecretSpec', {
  Name: goString,
  Labels: goMap(goString),
  Data: goAny,
  Driver: DRIVER,
  Templating: DRIVER,
});

/** POST /configs/create and /configs/{id}/update. */
export const CONFIG_SPEC = goStruct('swarm.ConfigSpec', {
  Name: goString,
  Labels: goMap(goString),
  Data: goAny,
  Templating: DRIVER,
});

/** An element of `ContainerSpec.Secrets`. */
export const SECRET_REFERENCE = goStruct('swarm.SecretReference', {
  File: FILE_TARGET('swarm.SecretReferenceFileTarget'),
  SecretID: goString,
  SecretName: goString,
});

/** An element of `ContainerSpec.Configs`. */
export const CONFIG_REFERENCE = goStruct('swarm.ConfigReference', {
  File: FILE_TARGET('swarm.ConfigReferenceFileTarget'),
  Runtime: goStruct('swarm.ConfigReferenceRuntimeTarget', {}),
  ConfigID: goString,
  ConfigName: goString,
});
