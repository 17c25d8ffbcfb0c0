// Regression cases the fuzz suite found (test/component/fuzz.test.ts): each was answered differently from
// the engine, crashed a handler, or made something the engine refuses to make.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fakeCluster, type FakeCluster } from '../support/cluster.js';
import { send, target, type Target } from '../support/fuzz-client.js';

let c: FakeCluster;
let shoal: Target;
beforeAll(async () => {
  c = await fakeCluster([{}, {}]);
  shoal = target(c.base);
});
afterAll(async () => {
  shoal.agent.destroy();
  await c.stop();
});

const made = () =>
  c.engines.reduce((n, e) => n + e.containers.size + e.networks.size + e.volumes.volumes.size, 0);

const post = (path: string, body: string, contentType?: string) =>
  send(shoal, {
    kind: 'regression',
    method: 'POST',
    path,
    body,
    engine: 'any',
    ...(contentType ? { contentType } : {}),
  });

it.each([
  // Was 201, with an anonymous volume on every engine.
  [
    '/volumes/create',
    '{"Name": {"x": 1}}',
    'json: cannot unmarshal object into Go struct field VolumeCreateBody.Name of type string',
  ],
  // Was 201: no body made an anonymous volume.
  ['/volumes/create', '', 'got EOF while reading request body'],
  // Was 500: JSON.stringify of the forwarded body overflowed the stack.
  [
    '/volumes/create',
    `{"X":${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
    "invalid character '[' exceeded max depth",
  ],
  // Was 201: the labels became {"0": "x", …}.
  [
    '/containers/create',
    '{"Image":"busybox:local","Labels":"x"}',
    'json: cannot unmarshal string into Go struct field ContainerConfigWrapper.Labels of type map[string]string',
  ],
  // Was 500: entry.indexOf is not a function.
  [
    '/containers/create',
    '{"Image":"busybox:local","Env":[1]}',
    'json: cannot unmarshal number into Go struct field ContainerConfigWrapper.Env of type string',
  ],
  // Was 201: the engine reads HostConfig case-insensitively, Shoal did not look.
  [
    '/containers/create',
    '{"Image":"busybox:local","hostconfig":{"memory":"1g"}}',
    'json: cannot unmarshal string into Go struct field HostConfig.HostConfig.Memory of type int64',
  ],
  // Was 500: text.trim is not a function.
  [
    '/networks/create',
    '{"Name":"n1","IPAM":{"Config":[{"Subnet":1.5}]}}',
    'json: cannot unmarshal number into Go struct field IPAMConfig.IPAM.Config.Subnet of type string',
  ],
  // Was 500: spec.IPAM.Config.find is not a function.
  [
    '/networks/create',
    '{"Name":"n2","IPAM":{"Config":"x"}}',
    'json: cannot unmarshal string into Go struct field IPAM.IPAM.Config of type []network.IPAMConfig',
  ],
  // Was 201 on every engine.
  [
    '/networks/create',
    '{"Name":"n3","LABELS":[1]}',
    'json: cannot unmarshal array into Go struct field NetworkCreateRequest.Labels of type map[string]string',
  ],
])('POST %s %s: 400 with the engine text, nothing made', async (path, body, message) => {
  const a = await post(path, body);
  expect({ status: a.status, json: a.json }).toEqual({ status: 400, json: { message } });
  expect(made()).toBe(0);
});

it('refuses a body that is not said to be JSON, as the engine (was: networks and containers made)', async () => {
  for (const path of ['/networks/create', '/containers/create', '/volumes/create']) {
    const a = await post(path, '{"Name":"n4","Image":"busybox:local"}', 'text/plain');
    expect({ status: a.status, json: a.json }).toEqual({
      status: 400,
      json: { message: "Content-Type specified (text/plain) must be 'application/json'" },
    });
  }
  expect(made()).toBe(0);
});

it('makes what the engine makes: a null body is an anonymous volume, a deep unknown field is ignored (was 400, 500)', async () => {
  const a = await post('/volumes/create', 'null');
  const b = await post('/volumes/create', `{"Name":"deep","X":${'['.repeat(9000)}${']'.repeat(9000)}}`);
  expect([a.status, b.status]).toEqual([201, 201]);
  const c2 = await send(shoal, { kind: 'r', method: 'DELETE', path: '/volumes/deep', engine: 'any' });
  expect(c2.status).toBe(204);
});

it.each([
  // Was 200 with an error line per engine.
  ['POST', '/images/create?fromImage=!!', 400, 'invalid reference format'],
  // Was 404.
  ['DELETE', '/volumes/no-such-volume?force=1', 204, undefined],
  // Were 200.
  [
    'GET',
    `/volumes?filters=${encodeURIComponent('{"dangling":["x"]}')}`,
    400,
    "Invalid filter 'dangling=[x]'",
  ],
  [
    'GET',
    `/images/json?filters=${encodeURIComponent('{"dangling":["1"]}')}`,
    400,
    "Invalid filter 'dangling=[1]'",
  ],
  ['GET', '/containers/json?limit=%203', 400, 'strconv.Atoi: parsing " 3": invalid syntax'],
  ['GET', '/events?since=1&until=1e5', 400, 'strconv.ParseInt: parsing "1e5": invalid syntax'],
  // Was 400.
  ['GET', '/events?since=1.1234567891&until=2', 200, undefined],
])('%s %s: %i as the engine', async (method, path, status, message) => {
  const a = await send(shoal, { kind: 'r', method, path, engine: 'any' });
  expect(a.status).toBe(status);
  if (message) expect(a.json).toEqual({ message });
});
