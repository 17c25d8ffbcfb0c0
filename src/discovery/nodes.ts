// `nodes://h:p,h:p` (or a bare list): a fixed set of engines, reported once.
import type { Discovery, DiscoveryListener, EngineAddr } from './discovery.js';

export class NodesDiscovery implements Discovery {
  readonly scheme = 'nodes';
  constructor(private readonly addrs: readonly EngineAddr[]) {}

  watch(listener: DiscoveryListener): void {
    listener.entries(this.addrs);
  }

  stop(): void {}
}
