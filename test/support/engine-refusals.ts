// What Docker 20.10.24 answers to bad requests on the endpoints the fake engine serves, recorded from a
// lab engine. The fake is held to these (test/support-tests/fake-engine.test.ts) and the e2e suite checks
// that a real engine still answers them so (test/e2e/fuzz.test.ts).

export interface Refusal {
  method: string;
  path: string;
  body?: string;
  contentType?: string;
  status: number;
  message: string;
}

const VOL = '/volumes/create';
const NET = '/networks/create';
const CTR = '/containers/create';

export const ENGINE_REFUSALS: Refusal[] = [
  {
    method: 'POST',
    path: VOL,
    body: '{"Name": {"x": 1}}',
    status: 400,
    message: 'json: cannot unmarshal object into Go struct field VolumeCreateBody.Name of type string',
  },
  {
    method: 'POST',
    path: VOL,
    body: '{"Labels": {"a": 1}}',
    status: 400,
    message: 'json: cannot unmarshal number into Go struct field VolumeCreateBody.Labels of type string',
  },
  {
    method: 'POST',
    path: VOL,
    body: '{"labels": []}',
    status: 400,
    message:
      'json: cannot unmarshal array into Go struct field VolumeCreateBody.Labels of type map[string]string',
  },
  {
    method: 'POST',
    path: VOL,
    body: '[]',
    status: 400,
    message: 'json: cannot unmarshal array into Go value of type volume.VolumeCreateBody',
  },
  { method: 'POST', path: VOL, body: '{', status: 400, message: 'unexpected EOF' },
  { method: 'POST', path: VOL, body: '', status: 400, message: 'got EOF while reading request body' },
  {
    method: 'POST',
    path: VOL,
    body: '{"a":tru}',
    status: 400,
    message: "invalid character '}' in literal true (expecting 'e')",
  },
  {
    method: 'POST',
    path: VOL,
    body: '{"X":' + '['.repeat(100_000),
    status: 400,
    message: "invalid character '[' exceeded max depth",
  },
  {
    method: 'POST',
    path: VOL,
    body: '{"Name":"a"}',
    status: 400,
    message: 'create a: volume name is too short, names should be at least two alphanumeric characters',
  },
  {
    method: 'POST',
    path: VOL,
    body: '{"Name":"bad/name"}',
    status: 400,
    message:
      'create bad/name: "bad/name" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path',
  },
  {
    method: 'POST',
    path: VOL,
    body: '{"Name":"ctv"}',
    contentType: 'text/plain',
    status: 400,
    message: "Content-Type specified (text/plain) must be 'application/json'",
  },
  { method: 'DELETE', path: '/volumes/nope', status: 404, message: 'get nope: no such volume' },
  { method: 'POST', path: NET, body: '', status: 400, message: 'got EOF while reading request body' },
  { method: 'POST', path: NET, body: '{}', status: 500, message: 'invalid name: ' },
  {
    method: 'POST',
    path: NET,
    body: '{"Name": 1}',
    status: 400,
    message: 'json: cannot unmarshal number into Go struct field NetworkCreateRequest.Name of type string',
  },
  {
    method: 'POST',
    path: NET,
    body: '{"Name": "ab", "IPAM": {"Config": [{"Subnet": 1}]}}',
    status: 400,
    message:
      'json: cannot unmarshal number into Go struct field IPAMConfig.IPAM.Config.Subnet of type string',
  },
  {
    method: 'POST',
    path: NET,
    body: '{"Name": "ab", "Internal": "yes"}',
    status: 400,
    message: 'json: cannot unmarshal string into Go struct field NetworkCreateRequest.Internal of type bool',
  },
  {
    method: 'POST',
    path: NET,
    body: '{"Name": "ab", "ConfigFrom": "x"}',
    status: 400,
    message:
      'json: cannot unmarshal string into Go struct field NetworkCreateRequest.ConfigFrom of type network.ConfigReference',
  },
  {
    method: 'POST',
    path: NET,
    body: '{"Name": "bridge"}',
    status: 403,
    message: 'operation is not permitted on predefined bridge network ',
  },
  { method: 'POST', path: CTR, body: '', status: 500, message: 'EOF' },
  {
    method: 'POST',
    path: CTR,
    body: 'null',
    status: 400,
    message: 'Config cannot be empty in order to create a container',
  },
  {
    method: 'POST',
    path: CTR,
    body: '{}',
    status: 400,
    message: 'Config cannot be empty in order to create a container',
  },
  {
    method: 'POST',
    path: CTR,
    body: '"x"',
    status: 500,
    message: 'json: cannot unmarshal string into Go value of type runconfig.ContainerConfigWrapper',
  },
  {
    method: 'POST',
    path: CTR,
    body: '{"Image": 1}',
    status: 500,
    message: 'json: cannot unmarshal number into Go struct field ContainerConfigWrapper.Image of type string',
  },
  {
    method: 'POST',
    path: CTR,
    body: '{"Env": [1]}',
    status: 500,
    message: 'json: cannot unmarshal number into Go struct field ContainerConfigWrapper.Env of type string',
  },
  {
    method: 'POST',
    path: CTR,
    body: '{"Labels": {"a":1}}',
    status: 500,
    message:
      'json: cannot unmarshal number into Go struct field ContainerConfigWrapper.Labels of type string',
  },
  {
    method: 'POST',
    path: CTR,
    body: '{"HostConfig": {"Memory": 1.5}}',
    status: 500,
    message:
      'json: cannot unmarshal number 1.5 into Go struct field HostConfig.HostConfig.Memory of type int64',
  },
  {
    method: 'POST',
    path: CTR,
    body: '{"hostconfig": {"memory": "x"}}',
    status: 500,
    message: 'json: cannot unmarshal string into Go struct field HostConfig.HostConfig.Memory of type int64',
  },
  {
    method: 'POST',
    path: CTR,
    body: '{"HostConfig": {"PortBindings": {"80/tcp": [{"HostPort": 1}]}}}',
    status: 500,
    message:
      'json: cannot unmarshal number into Go struct field PortBinding.HostConfig.PortBindings.HostPort of type string',
  },
  {
    method: 'POST',
    path: CTR,
    body: '{"ExposedPorts": {"80/tcp": 1}}',
    status: 500,
    message:
      'json: cannot unmarshal number into Go struct field ContainerConfigWrapper.ExposedPorts of type struct {}',
  },
  {
    method: 'POST',
    path: CTR,
    body: '{"NetworkingConfig": {"EndpointsConfig": {"a": 1}}}',
    status: 500,
    message:
      'json: cannot unmarshal number into Go struct field NetworkingConfig.NetworkingConfig.EndpointsConfig of type network.EndpointSettings',
  },
  {
    method: 'POST',
    path: CTR,
    body: '{"Cmd": [1]}',
    status: 500,
    message: 'json: cannot unmarshal array into Go struct field ContainerConfigWrapper.Cmd of type string',
  },
  {
    method: 'POST',
    path: CTR,
    body: '{"Image":"busybox:local","HostConfig":{"PortBindings":{"80/tcp":[{"HostPort":"abc"}]}}}',
    status: 400,
    message: 'invalid port specification: "abc"',
  },
  {
    method: 'POST',
    path: `${CTR}?name=a`,
    body: '{"Image":"busybox:local"}',
    status: 400,
    message: 'Invalid container name (a), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed',
  },
  {
    method: 'POST',
    path: CTR,
    body: '{"Image":"busybox:local"}',
    contentType: 'text/plain',
    status: 400,
    message: "Content-Type specified (text/plain) must be 'application/json'",
  },
];
