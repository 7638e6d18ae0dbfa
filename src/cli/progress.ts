import { CommandFailedError } from './common';

/** Exit code of a shell interrupted by SIGINT. */
export const INTERRUPTED = 130;

export interface ProgressLine {
  /**
   * Shows `<subject> <status>, <seconds> s`, e.g. `job 1a2b3c4d… running on executor-1, 3.2 s`:
   * rewritten in place on a terminal, else one line whenever subject or status changes.
   */
  update(subject: string, status: string): void;
  /** Ends the line being rewritten, so what follows starts on a new one. */
  end(): void;
}

export function progressLine(stream: NodeJS.WriteStream): ProgressLine {
  const started = Date.now();
  let last = '';
  let open = false;
  return {
    update(subject: string, status: string): void {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const line = `${subject} ${status}, ${seconds} s`;
      if (stream.isTTY) {
        stream.write(`\r\x1b[2K${line}`);
        open = true;
        return;
      }
      const key = `${subject} ${status}`;
      if (key !== last) stream.write(`${line}\n`);
      last = key;
    },
    end(): void {
      if (open) stream.write('\n');
      open = false;
    },
  };
}

/** `1a2b3c4d…`: the start of an id, enough to tell it apart in a progress line. */
export const shortId = (id: string) => `${id.slice(0, 8)}…`;

/**
 * Runs `wait` with a signal that Ctrl-C aborts: the command then exits 130 with `stopped`, which
 * should say what keeps going on the coordinator and how to follow or stop it.
 */
export async function interruptible<T>(
  stopped: string,
  wait: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const interrupt = () => controller.abort(new CommandFailedError(stopped, INTERRUPTED));
  process.once('SIGINT', interrupt);
  try {
    return await wait(controller.signal);
  } finally {
    process.removeListener('SIGINT', interrupt);
  }
}
