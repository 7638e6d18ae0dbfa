import { Command } from 'commander';
import { Executor, Session } from '../client/session';
import { callAndPrint, examples, nonEmpty } from './common';
import { EXECUTOR_FIELDS, Format, formatItem, formatList } from './output';

const printExecutor = (executor: Executor, format: Format) =>
  formatItem(executor, EXECUTOR_FIELDS, format);

/** `executors get|drain|resume|remove <id>`: one call, the executor printed as it is afterwards. */
function executorAction(
  call: (session: Session, id: string) => Promise<Executor>,
  after?: (executor: Executor) => void,
) {
  return async (id: string, _options: object, command: Command): Promise<void> => {
    const executor = await callAndPrint(command, (session) => call(session, id), printExecutor);
    after?.(executor);
  };
}

export function executorsCommand(): Command {
  const executors = new Command('executors')
    .description('the executors that run jobs: list, drain, resume, remove')
    .addHelpText(
      'after',
      examples(
        'krishiv executors list',
        'krishiv executors drain executor-1      # before maintenance',
        'krishiv executors resume executor-1',
      ),
    );

  executors
    .command('list')
    .description('list executors with their state, slots and running jobs')
    .addHelpText(
      'after',
      examples('krishiv executors list', 'krishiv executors list --format json'),
    )
    .action(async (_options: object, command: Command) => {
      await callAndPrint(
        command,
        (session) => session.listExecutors(),
        (list, format) => formatList(list, EXECUTOR_FIELDS, format, 'executor', 'executors'),
      );
    });

  executors
    .command('get')
    .description('show one executor')
    .argument('<id>', 'executor id, e.g. executor-1', nonEmpty('executor id'))
    .addHelpText('after', examples('krishiv executors get executor-1'))
    .action(executorAction((session, id) => session.getExecutor(id)));

  executors
    .command('drain')
    .description(
      'stop scheduling jobs onto an executor; it becomes drained once its running jobs end',
    )
    .argument('<id>', 'executor id, e.g. executor-1', nonEmpty('executor id'))
    .addHelpText('after', examples('krishiv executors drain executor-1'))
    .action(
      executorAction(
        (session, id) => session.drainExecutor(id),
        (executor) => {
          if (executor.state === 'draining') {
            process.stderr.write(
              `${executor.id} is draining: ${executor.runningJobs} running job(s) finish first\n`,
            );
          }
        },
      ),
    );

  executors
    .command('resume')
    .description('let a drained (or draining) executor take jobs again')
    .argument('<id>', 'executor id, e.g. executor-1', nonEmpty('executor id'))
    .addHelpText('after', examples('krishiv executors resume executor-1'))
    .action(executorAction((session, id) => session.resumeExecutor(id)));

  executors
    .command('remove')
    .description(
      'retire an executor for good: the jobs it is running are stopped, and it cannot be resumed',
    )
    .argument('<id>', 'executor id, e.g. executor-1', nonEmpty('executor id'))
    .addHelpText('after', examples('krishiv executors remove executor-3'))
    .action(executorAction((session, id) => session.removeExecutor(id)));

  return executors;
}
