/**
 * Asserts that none of the given secrets appears in coordinator output. Each suite passes the
 * tokens it used, so "logs never contain a token" is checked for every credential of every run.
 */
export function expectNoSecretsIn(logs: string, secrets: Iterable<string>): void {
  const leaked = [...secrets].filter((s) => s.length >= 8 && logs.includes(s));
  expect(leaked.map((s) => `${s.slice(0, 6)}… (${s.length} chars)`)).toEqual([]);
}
