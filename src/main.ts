import { configFromProcessOrExit } from './config/process-env';
import { startCoordinator } from './bootstrap';

startCoordinator(configFromProcessOrExit()).catch((err: unknown) => {
  // A port in use or an unreadable data dir: say what failed instead of exiting silently.
  process.stderr.write(
    `krishiv coordinator failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
