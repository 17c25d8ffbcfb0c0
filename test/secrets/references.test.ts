// A service's references to secrets and configs: read from a template, checked with SwarmKit's texts, and
// where each file goes in a task's container.
import { describe, expect, it } from 'vitest';
import {
  checkExistence,
  checkShapes,
  referencesOf,
  targetPath,
  type FileTarget,
} from '../../src/secrets/references.js';
import type { DataRecord } from '../../src/secrets/types.js';

const file = (Name: string): FileTarget => ({ Name, UID: '0', GID: '0', Mode: 0o444 });
const template = (secrets: unknown[], configs: unknown[] = []) => ({
  ContainerSpec: { Image: 'busybox', Secrets: secrets, Configs: configs },
});
const secretRef = (name: string, target = name, id = `id-${name}`) => ({
  SecretID: id,
  SecretName: name,
  File: file(target),
});
const configRef = (name: string, target: string) => ({
  ConfigID: `id-${name}`,
  ConfigName: name,
  File: file(target),
});

describe('references', () => {
  it('reads the secrets, then the configs, of a task template', () => {
    const refs = referencesOf(template([secretRef('db')], [configRef('cfg', '/etc/app.conf')]));
    expect(refs).toEqual([
      { kind: 'secret', id: 'id-db', name: 'db', file: file('db'), runtime: false },
      { kind: 'config', id: 'id-cfg', name: 'cfg', file: file('/etc/app.conf'), runtime: false },
    ]);
    expect(referencesOf({ ContainerSpec: { Image: 'x' } })).toEqual([]);
    expect(referencesOf(undefined)).toEqual([]);
  });

  it("refuses malformed references and conflicting targets with SwarmKit's texts", () => {
    const check =
      (secrets: unknown[], configs: unknown[] = []) =>
      () =>
        checkShapes(referencesOf(template(secrets, configs)));
    const rpc = 'rpc error: code = InvalidArgument desc = ';
    expect(check([{ SecretName: 'db', File: file('db') }])).toThrow(`${rpc}malformed secret reference`);
    expect(check([{ SecretID: 'x', SecretName: 'db' }])).toThrow(
      `${rpc}malformed secret reference, no target provided`,
    );
    expect(check([secretRef('db', '')])).toThrow(
      `${rpc}malformed file secret reference, invalid target file name provided`,
    );
    expect(check([secretRef('a', 't'), secretRef('b', 't')])).toThrow(
      `${rpc}secret references 'a' and 'b' have a conflicting target: 't'`,
    );
    expect(check([], [{ ConfigID: 'x', ConfigName: 'c' }])).toThrow(
      'invalid Config: either File or Runtime should be set',
    );
    expect(check([], [{ ConfigID: 'x', ConfigName: 'c', File: file('/c'), Runtime: {} }])).toThrow(
      'invalid Config: cannot specify both File and Runtime',
    );
    // A secret and a config may share a target name: each kind is checked on its own.
    expect(check([secretRef('a', 't')], [configRef('c', 't')])).not.toThrow();
    expect(check([], [{ ConfigID: 'x', ConfigName: 'c', Runtime: {} }])).not.toThrow();
  });

  it('finds each by ID with its very name, else names what is missing', () => {
    const rec = (ID: string, Name: string): DataRecord => ({
      ID,
      Version: { Index: 1 },
      CreatedAt: '',
      UpdatedAt: '',
      Spec: { Name, Labels: {} },
    });
    const have = new Map([['id-db', rec('id-db', 'db')]]);
    const find = (_kind: string, id: string) => have.get(id);
    expect(() => checkExistence(referencesOf(template([secretRef('db')])), find)).not.toThrow();
    expect(() => checkExistence(referencesOf(template([secretRef('nope')])), find)).toThrow(
      'rpc error: code = InvalidArgument desc = secret not found: nope',
    );
    expect(() =>
      checkExistence(
        referencesOf(
          template([secretRef('db', 'db', 'id-db'), secretRef('DB', 'x', 'id-db'), secretRef('y')]),
        ),
        find,
      ),
    ).toThrow('secrets not found: DB, y');
    expect(() => checkExistence(referencesOf(template([], [configRef('cfg', '/c')])), find)).toThrow(
      'config not found: cfg',
    );
  });

  it('puts a relative secret under /run/secrets, a relative config under /, an absolute one where it says', () => {
    const at = (kind: 'secret' | 'config', name: string) =>
      targetPath({ kind, id: 'i', name: 'n', file: file(name), runtime: false });
    expect(at('secret', 'db')).toBe('/run/secrets/db');
    expect(at('secret', '/etc/db.pw')).toBe('/etc/db.pw');
    expect(at('secret', 'sub/db')).toBe('/run/secrets/sub/db');
    expect(at('config', 'app.conf')).toBe('/app.conf');
    expect(at('config', '/etc//app.conf')).toBe('/etc/app.conf');
  });
});
