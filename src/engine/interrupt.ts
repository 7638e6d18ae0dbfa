import { DuckDBConnection } from '@duckdb/node-api';

export const INTERRUPT_REPEAT_MS = 25;

/**
 * Interrupts a connection's work, again and again until `done` settles. The engine drops an
 * interrupt that arrives while no statement is executing (during parsing, between statements,
 * before the first one starts), so a single interrupt can be lost.
 */
export function interruptUntilDone(
  connection: () => DuckDBConnection | undefined,
  done: Promise<unknown>,
): void {
  const fire = () => connection()?.interrupt();
  fire();
  const timer = setInterval(fire, INTERRUPT_REPEAT_MS);
  void done.finally(() => clearInterval(timer)).catch(() => undefined);
}
