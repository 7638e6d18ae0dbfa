import { configFromProcessOrExit } from './config/process-env';
import { startCoordinator } from './bootstrap';

void startCoordinator(configFromProcessOrExit());
