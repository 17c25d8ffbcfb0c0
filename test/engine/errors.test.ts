// Engine error answers become kinds once, from Docker's own statuses and texts (20.10 to 28).
import { expect, it } from 'vitest';
import { EngineHttpError, engineErrorKind, isEngineError } from '../../src/engine/errors.js';
import { EngineUnreachableError } from '../../src/engine/connection-errors.js';

it.each([
  [404, 'No such image: busybox:nope', 'noSuchImage'],
  [
    404,
    "pull access denied for nope, repository does not exist or may require 'docker login'",
    'noSuchImage',
  ],
  [404, 'No such container: 4e8aa3', 'noSuchContainer'],
  [404, 'network testn not found', 'noSuchNetwork'],
  [404, 'get vol1: no such volume', 'noSuchVolume'],
  [404, 'No such exec instance: abc', 'noSuchExec'],
  [404, 'page not found', 'notFound'],
  [409, 'Conflict. The container name "/web" is already in use by container "abc".', 'conflict'],
  [409, 'Container 4e8aa3 is not running', 'notRunning'],
  [409, 'Container 4e8aa3 is paused, unpause the container before exec', 'notRunning'],
  [400, 'invalid reference format', 'invalid'],
  [401, 'unauthorized', 'invalid'],
  [403, 'error while removing network: network x has active endpoints', 'forbidden'],
  [500, 'driver failed programming external connectivity', 'failed'],
  [503, 'engine shutting down', 'failed'],
])('%i %s → %s', (status, message, kind) => {
  expect(engineErrorKind(status, message)).toBe(kind);
  const err = new EngineHttpError(status, Buffer.from(JSON.stringify({ message })), 'application/json');
  expect(err.kind).toBe(kind);
});

it('keeps the engine answer as it was, and reads plain-text bodies too', () => {
  const body = Buffer.from('No such container: x\n');
  const err = new EngineHttpError(404, body, 'text/plain');
  expect(err.body).toBe(body);
  expect(err.message).toBe('No such container: x');
  expect(err.kind).toBe('noSuchContainer');
});

it('an error inside a progress stream is a 404 only when the image does not exist', () => {
  expect(EngineHttpError.fromStream('manifest for x:1 not found: manifest unknown').kind).toBe('failed');
  const denied = EngineHttpError.fromStream('pull access denied for nope, repository does not exist');
  expect([denied.status, denied.kind]).toEqual([404, 'noSuchImage']);
});

it('connection trouble is its own kind', () => {
  const err = new EngineUnreachableError(
    '127.0.0.1:1',
    Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
  );
  expect(isEngineError(err, 'unreachable')).toBe(true);
  expect(isEngineError(new Error('x'), 'unreachable', 'failed')).toBe(false);
});
