// Image operations on one engine: inspect, pull, load, import, save. The engine's image list is re-read
// after every change.
import type { Readable } from 'node:stream';
import { EngineCalls, enc, type ProgressOptions } from './calls.js';

/** `repo[:tag|@digest]` → fromImage and tag, as the pull endpoint takes them. */
export function pullQuery(image: string): { fromImage: string; tag: string } {
  const at = image.lastIndexOf('@');
  if (at > 0) return { fromImage: image.slice(0, at), tag: image.slice(at + 1) };
  const colon = image.lastIndexOf(':');
  if (colon > image.lastIndexOf('/'))
    return { fromImage: image.slice(0, colon), tag: image.slice(colon + 1) };
  return { fromImage: image, tag: 'latest' };
}

export class ImageOperations extends EngineCalls {
  inspectImage(ref: string): Promise<{ Id?: string; Os?: string } & Record<string, unknown>> {
    return this.call('GET', `/images/${enc(ref)}/json`, { timeoutMs: 5000 });
  }

  distribution(ref: string): Promise<{ Platforms?: { os?: string }[] }> {
    return this.call('GET', `/distribution/${enc(ref)}/json`, { timeoutMs: 5000 });
  }

  /**
   * Pulls an image. An error the engine reports inside its progress stream is thrown as an EngineHttpError
   * like an error status (404 when it says the image does not exist), so callers decide on its kind.
   */
  async pullImage(image: string, opts: ProgressOptions & { auth?: string } = {}): Promise<void> {
    await this.progressCall('/images/create', opts, {
      query: opts.rawQuery ?? pullQuery(image),
      headers: opts.auth ? { 'x-registry-auth': opts.auth } : {},
    });
  }

  /** Loads an image archive (`docker load`). */
  async loadImages(archive: Readable, size: number, opts: ProgressOptions = {}): Promise<void> {
    await this.progressCall('/images/load', opts, {
      query: opts.rawQuery ?? '',
      headers: { 'content-type': 'application/x-tar', 'content-length': String(size) },
      body: archive,
    });
  }

  /** Imports a root filesystem (`docker import`); resolves with the new image's ID. */
  async importImage(rawQuery: string, source?: { body: Readable; size: number }, opts: ProgressOptions = {}) {
    let id = '';
    await this.progressCall(
      '/images/create',
      {
        ...opts,
        progress: (obj) => {
          const status = obj['status'];
          if (typeof status === 'string' && /^sha256:[0-9a-f]{64}$/.test(status)) id = status;
          opts.progress?.(obj);
        },
      },
      {
        query: rawQuery,
        headers: source ? { 'content-type': 'application/x-tar', 'content-length': String(source.size) } : {},
        body: source?.body ?? null,
      },
    );
    return id;
  }

  /** An archive of these images (`docker save`). */
  async saveImages(names: readonly string[]): Promise<Readable> {
    const query = names.map((n) => `names=${enc(n)}`).join('&');
    return (await this.raw('GET', '/images/get', { query })).body;
  }
}
