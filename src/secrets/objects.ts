// One kind's objects for the API (`/secrets`, `/configs`): find, list, inspect, create, update (labels
// only), remove (refused while a service uses it), with the engine's texts. Only the leader writes.
import { timingSafeEqual } from 'node:crypto';
import type { FilterArgs } from '../docker/filters.js';
import { randomSwarmId } from '../docker/swarm-id.js';
import { ApiError } from '../errors.js';
import { OutOfSequenceError } from '../store/errors.js';
import { open, seal } from './crypto.js';
import { dataFilter } from './filter.js';
import type { SecretRecords } from './records.js';
import { KINDS, type DataKind, type DataRecord, type DataSpec } from './types.js';
import { checkSpec, dataOf, invalidArgument } from './validate.js';
import { dataObject } from './view.js';

export interface ObjectsDeps {
  records: SecretRecords;
  /** The key that seals secrets (read, or made, on first use). */
  key(): Promise<Buffer>;
  /** The names of the services whose spec refers to this record. */
  usedBy(kind: DataKind, id: string): string[];
}

/** A create or update body (SecretSpec, ConfigSpec) as decoded. */
export type SpecBody = Record<string, unknown>;

export class DataObjects {
  constructor(
    readonly kind: DataKind,
    private readonly deps: ObjectsDeps,
  ) {}

  /** By full ID, then name, then unique ID prefix (the engine's order and texts). */
  find(ref: string): DataRecord {
    const all = this.deps.records.all(this.kind);
    const byId = all.find((r) => r.ID === ref);
    if (byId) return byId;
    let hits = all.filter((r) => r.Spec.Name.toLowerCase() === ref.toLowerCase());
    if (hits.length === 0 && ref !== '') hits = all.filter((r) => r.ID.startsWith(ref.toLowerCase()));
    if (hits.length > 1)
      throw ApiError.invalid(`${this.kind} ${ref} is ambiguous (${hits.length} matches found)`);
    const hit = hits[0];
    if (!hit) throw ApiError.notFound(`${this.kind} ${ref} not found`);
    return hit;
  }

  list(filters: FilterArgs): Record<string, unknown>[] {
    const keep = dataFilter(this.kind, filters);
    return this.deps.records
      .all(this.kind)
      .filter(keep)
      .sort((a, b) => (a.CreatedAt < b.CreatedAt ? -1 : a.CreatedAt > b.CreatedAt ? 1 : a.ID < b.ID ? -1 : 1))
      .map((r) => dataObject(this.kind, r));
  }

  inspect(ref: string): Record<string, unknown> {
    return dataObject(this.kind, this.find(ref));
  }

  async create(body: SpecBody): Promise<{ ID: string }> {
    const spec = specOf(body);
    const data = dataOf(body['Data'], this.kind);
    checkSpec(spec, data, KINDS[this.kind]);
    const id = randomSwarmId();
    const stored =
      this.kind === 'secret'
        ? { Sealed: seal(await this.deps.key(), data, id) }
        : { Data: data.toString('base64') };
    await this.deps.records.write(this.kind, id, (_cur, index, now) => {
      const name = spec.Name.toLowerCase();
      if (this.deps.records.all(this.kind).some((r) => r.Spec.Name.toLowerCase() === name)) {
        throw ApiError.conflict(
          `rpc error: code = AlreadyExists desc = ${this.kind} ${spec.Name} already exists`,
        );
      }
      const at = new Date(now).toISOString();
      return { ID: id, Version: { Index: index }, CreatedAt: at, UpdatedAt: at, Spec: spec, ...stored };
    });
    return { ID: id };
  }

  /** Labels only: another name, or other data, is refused (SwarmKit's UpdateSecret, UpdateConfig). */
  async update(ref: string, rawVersion: string | null, body: SpecBody): Promise<void> {
    const version = /^\d+$/.test(rawVersion ?? '') ? Number(rawVersion) : NaN;
    if (Number.isNaN(version)) throw ApiError.invalid(`invalid ${this.kind} version`);
    const cur = this.find(ref);
    const spec = specOf(body);
    const data =
      body['Data'] === undefined || body['Data'] === null ? undefined : dataOf(body['Data'], this.kind);
    await this.deps.records.write(this.kind, cur.ID, async (r, index, now) => {
      if (!r) throw ApiError.notFound(`rpc error: code = NotFound desc = ${this.kind} ${cur.ID} not found`);
      if (r.Spec.Name !== spec.Name || (data !== undefined && !(await this.sameData(r, data)))) {
        throw invalidArgument('only updates to Labels are allowed');
      }
      if (r.Version.Index !== version) throw new OutOfSequenceError();
      const updated = new Date(now).toISOString();
      return {
        ...r,
        Version: { Index: index },
        UpdatedAt: updated,
        Spec: { ...r.Spec, Labels: spec.Labels },
      };
    });
  }

  async remove(ref: string): Promise<void> {
    const cur = this.find(ref);
    await this.deps.records.write(this.kind, cur.ID, (r) => {
      if (!r)
        throw ApiError.notFound(`rpc error: code = NotFound desc = could not find ${this.kind} ${cur.ID}`);
      const users = this.deps.usedBy(this.kind, r.ID);
      if (users.length > 0) {
        throw invalidArgument(
          `${this.kind} '${r.Spec.Name}' is in use by the following service${users.length === 1 ? '' : 's'}: ${users.join(', ')}`,
        );
      }
      return null;
    });
  }

  private async sameData(r: DataRecord, data: Buffer): Promise<boolean> {
    const stored = r.Sealed
      ? open(await this.deps.key(), r.Sealed, r.ID)
      : Buffer.from(r.Data ?? '', 'base64');
    return stored.length === data.length && timingSafeEqual(stored, data);
  }
}

/** Name and labels (Driver and Templating are refused by checkSpec, so never stored). */
function specOf(body: SpecBody): DataSpec {
  const labels = body['Labels'];
  const spec: DataSpec = {
    Name: typeof body['Name'] === 'string' ? body['Name'] : '',
    Labels: typeof labels === 'object' && labels !== null ? { ...(labels as Record<string, string>) } : {},
  };
  const driver = body['Driver'];
  const templating = body['Templating'];
  if (typeof driver === 'object' && driver !== null) spec.Driver = driver as DataSpec['Driver'];
  if (typeof templating === 'object' && templating !== null)
    spec.Templating = templating as DataSpec['Templating'];
  return spec;
}
