// Re-reads asked for in bursts (a container's events come several at once) run one at a time per key:
// a request while one runs makes exactly one more run after it, never a queue.
export class Coalescer {
  /** key → asked again while running. */
  private readonly running = new Map<string, boolean>();

  constructor(
    private readonly work: (key: string) => Promise<void>,
    private readonly onError: (err: unknown) => void,
    private readonly stopped: () => boolean,
    /** Wait this long before the first run of a burst. */
    private readonly delayMs = 0,
  ) {}

  soon(key: string): void {
    if (this.running.has(key)) {
      this.running.set(key, true);
      return;
    }
    this.running.set(key, false);
    void (async () => {
      if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
      do {
        this.running.set(key, false);
        await this.work(key).catch(this.onError);
      } while (this.running.get(key) === true && !this.stopped());
      this.running.delete(key);
    })();
  }
}
