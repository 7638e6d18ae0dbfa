export interface Window {
  count: number;
  /** When this window ends (ms since the epoch). */
  resetAt: number;
}

/**
 * Counts events per key in fixed windows, in bounded memory with O(1) work per call. Every window
 * has the same length, so insertion order is expiry order: expired windows are dropped from the
 * front as calls arrive, and when the map is full the window closest to its end makes room.
 */
export class FixedWindowCounter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly windowMs: number,
    private readonly maxKeys: number,
    private readonly now: () => number = Date.now,
  ) {}

  public get size(): number {
    return this.windows.size;
  }

  /** The key's current window, if it has one that has not ended. */
  public peek(key: string): Window | undefined {
    const window = this.windows.get(key);
    if (window && window.resetAt <= this.now()) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  /** Counts one event for the key and returns its window. */
  public add(key: string): Window {
    const now = this.now();
    this.dropExpired(now);
    const current = this.peek(key);
    if (current) {
      current.count++;
      return current;
    }
    if (this.windows.size >= this.maxKeys) {
      const oldest = this.windows.keys().next().value as string;
      this.windows.delete(oldest);
    }
    const window = { count: 1, resetAt: now + this.windowMs };
    this.windows.set(key, window);
    return window;
  }

  /** At most a couple of entries per call: amortised O(1), and no timer to clean up. */
  private dropExpired(now: number): void {
    for (let i = 0; i < 2; i++) {
      const first = this.windows.entries().next().value as [string, Window] | undefined;
      if (!first || first[1].resetAt > now) return;
      this.windows.delete(first[0]);
    }
  }
}
