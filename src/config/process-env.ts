import { AppConfig } from './app-config';
import { loadConfig } from './env.schema';

export const EXIT_CONFIG_ERROR = 2;

/**
 * Reads the process environment once. On any problem prints all of them and exits with code 2
 * before a port is opened.
 */
export function configFromProcessOrExit(): AppConfig {
  const result = loadConfig(process.env);
  if (result.ok) return result.config;
  process.stderr.write(
    `krishiv coordinator: refusing to start, ${result.problems.length} configuration problem(s):\n` +
      result.problems.map((p) => `  - ${p}\n`).join(''),
  );
  process.exit(EXIT_CONFIG_ERROR);
}
