import type { Session } from './api';

export interface ViewContext {
  /** The page body; cleared before each view. */
  root: HTMLElement;
  /** Path segments after the view's own name: `#/jobs/<id>` gives `[id]`. */
  segments: string[];
  query: URLSearchParams;
  session: Session;
  /** Aborted when the user leaves the view: in-flight requests and polling stop. */
  signal: AbortSignal;
  /**
   * Runs `tick` now and again `ms` after each run ends, until the view is left or a tick
   * returns false. Skips runs while the tab is hidden.
   */
  poll(tick: () => Promise<boolean | void>, ms: number): void;
  /** Records filters in the address bar without reloading the view. */
  setQuery(values: Record<string, string | undefined>): void;
  /** Tells the shell the principal changed (fresh whoami). */
  refreshSession(): void;
}

export type View = (ctx: ViewContext) => Promise<void>;
