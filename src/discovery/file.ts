// `file:///path`: one engine per line, re-read every heartbeat; a missing or bad file is reported, not fatal.
import { readFile } from 'node:fs/promises';
import { DiscoveryError, type Discovery, type DiscoveryListener } from './discovery.js';
import { parseFileContent } from './entries.js';

export class FileDiscovery implements Discovery {
  readonly scheme = 'file';
  private timer: NodeJS.Timeout | undefined;
  private last: string | undefined;
  private stopped = false;

  constructor(
    private readonly path: string,
    private readonly heartbeatMs: number,
  ) {}

  watch(listener: DiscoveryListener): void {
    const tick = async (): Promise<void> => {
      try {
        const list = parseFileContent(await readFile(this.path, 'utf8'));
        const key = list.join(',');
        if (key !== this.last) {
          this.last = key;
          listener.entries(list);
        }
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        listener.error(
          e.code === 'ENOENT'
            ? new DiscoveryError(`discovery file ${this.path} does not exist`)
            : (err as Error),
        );
      }
      if (!this.stopped) this.timer = setTimeout(() => void tick(), this.heartbeatMs);
    };
    void tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
