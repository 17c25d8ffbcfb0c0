// The store in Consul KV, under `<prefix>/shoal/state/<key>`: shared by every manager, so a failover loses
// nothing. Versions are Consul's ModifyIndex and conditional writes use its check-and-set.
import { keyOf } from '../consul/address.js';
import { ConsulError, type ConsulConnection, type KvPair } from '../consul/connection.js';
import { StoreCorruptError, StoreReadOnlyError, StoreUnavailableError } from './errors.js';
import { checkKey, jsonCopy, type Store, type StoreEntry } from './store.js';

export class ConsulStore implements Store {
  /** The directory the records live in ("<prefix>/shoal/state"). */
  readonly base: string;
  private writable: () => boolean = () => true;

  constructor(
    private readonly connection: ConsulConnection,
    prefix: string,
  ) {
    this.base = keyOf(prefix, 'shoal/state');
  }

  async read(key: string): Promise<StoreEntry | undefined> {
    const { pair } = await this.call(() => this.connection.get(this.full(key)));
    return pair ? this.entry(key, pair) : undefined;
  }

  async list(prefix: string): Promise<StoreEntry[]> {
    const { pairs } = await this.call(() => this.connection.list(`${this.base}/${prefix}`));
    return pairs
      .filter((p) => !p.key.endsWith('/'))
      .map((p) => this.entry(p.key.slice(this.base.length + 1), p))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async write(key: string, value: unknown, expectedVersion?: number): Promise<boolean> {
    const full = this.full(key);
    const text = JSON.stringify(jsonCopy(value));
    if (!this.writable()) throw new StoreReadOnlyError(key);
    const opts = expectedVersion === undefined ? {} : { cas: expectedVersion };
    return this.call(() => this.connection.put(full, text, opts));
  }

  async delete(key: string, expectedVersion?: number): Promise<boolean> {
    const full = this.full(key);
    if (!this.writable()) throw new StoreReadOnlyError(key);
    // Consul's cas=0 never deletes; the store's contract says the same (nothing is at version 0).
    const opts = expectedVersion === undefined ? {} : { cas: expectedVersion };
    return this.call(() => this.connection.delete(full, opts));
  }

  setWritable(fn: () => boolean): void {
    this.writable = fn;
  }

  describe(): string {
    return `consul ${this.connection.host} ${this.base}`;
  }

  close(): Promise<void> {
    this.connection.close();
    return Promise.resolve();
  }

  private full(key: string): string {
    return `${this.base}/${checkKey(key)}`;
  }

  private entry(key: string, pair: KvPair): StoreEntry {
    try {
      return { key, value: JSON.parse(pair.value) as unknown, version: pair.modifyIndex };
    } catch {
      throw new StoreCorruptError(`consul key ${pair.key}`, 'it does not hold JSON');
    }
  }

  /** Consul's errors (unreachable, ACL refusal, 5xx) become StoreUnavailableError: callers log and retry. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ConsulError) throw new StoreUnavailableError(`consul ${this.base}`, err.message);
      throw err;
    }
  }
}
