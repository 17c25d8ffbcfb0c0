// An engine's images, networks and volumes, re-listed whole when an event says they changed.
import type { EngineClient } from './client.js';

export interface ImageSummary {
  Id: string;
  ParentId?: string;
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
  Created: number;
  Size: number;
  Labels?: Record<string, string> | null;
  [key: string]: unknown;
}

export interface NetworkSummary {
  Id: string;
  Name: string;
  Driver: string;
  Scope: string;
  Labels?: Record<string, string> | null;
  Options?: Record<string, string> | null;
  Internal?: boolean;
  Attachable?: boolean;
  EnableIPv6?: boolean;
  IPAM?: {
    Driver?: string;
    Options?: Record<string, string> | null;
    Config?: { Subnet?: string; Gateway?: string }[] | null;
  };
  Containers?: Record<string, unknown> | null;
  [key: string]: unknown;
}

export interface VolumeSummary {
  Name: string;
  Driver: string;
  [key: string]: unknown;
}

export type ListKind = 'images' | 'networks' | 'volumes';

export class ResourceLists {
  images: ImageSummary[] = [];
  networks: NetworkSummary[] = [];
  volumes: VolumeSummary[] = [];
  private readonly timers = new Map<ListKind, NodeJS.Timeout>();

  constructor(
    private readonly client: EngineClient,
    private readonly onError: (err: unknown) => void,
    private readonly onChange: (kind: ListKind) => void = () => undefined,
  ) {}

  async refreshAll(): Promise<void> {
    const kinds = ['images', 'networks', 'volumes'] as const;
    await Promise.all(kinds.map((kind) => this.refresh(kind, 'background')));
  }

  /** Read again; `background` for the periodic reads (the engine client's background lane). */
  async refresh(kind: ListKind, lane?: 'background'): Promise<void> {
    switch (kind) {
      case 'images':
        this.images = await this.client.json<ImageSummary[]>('GET', '/images/json', {
          query: { all: '1' },
          lane,
        });
        this.onChange(kind);
        return;
      case 'networks':
        this.networks = await this.client.json<NetworkSummary[]>('GET', '/networks', { lane });
        this.onChange(kind);
        return;
      case 'volumes': {
        const res = await this.client.json<{ Volumes: VolumeSummary[] | null }>('GET', '/volumes', {
          lane,
        });
        this.volumes = res.Volumes ?? [];
        this.onChange(kind);
        return;
      }
    }
  }

  /**
   * Re-lists after a change made through Shoal, so the next answer shows it. A failure is reported to the
   * engine (its health counts it), never thrown: the change itself is done.
   */
  async update(kind: ListKind): Promise<void> {
    await this.refresh(kind).catch(this.onError);
  }

  /** Coalesces bursts of events (a pull emits dozens) into one listing. */
  refreshSoon(kind: ListKind, delayMs = 50): void {
    if (this.timers.has(kind)) return;
    const t = setTimeout(() => {
      this.timers.delete(kind);
      this.refresh(kind).catch(this.onError);
    }, delayMs);
    t.unref();
    this.timers.set(kind, t);
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** Tagged images, counted as `docker info` counts them. */
  get imageCount(): number {
    return this.images.filter((i) => (i.RepoTags ?? []).some((t) => t !== '<none>:<none>')).length;
  }
}
