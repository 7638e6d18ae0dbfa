import { Command } from 'commander';
import { Savepoint, Session } from '../client/session';
import { callAndPrint, examples, nonEmpty } from './common';
import { Format, formatItem, formatList, SAVEPOINT_FIELDS } from './output';
import { interruptible, ProgressLine, progressLine, shortId } from './progress';

export const printSavepoint = (savepoint: Savepoint, format: Format) =>
  formatItem(savepoint, SAVEPOINT_FIELDS, format);

/**
 * Waits until the savepoint completed or failed, with a progress line on stderr (`progress`, to
 * continue one the caller goes on using; ended here when the caller passes none).
 */
export async function waitForSavepointWithProgress(
  session: Session,
  savepoint: Savepoint,
  progress?: ProgressLine,
): Promise<Savepoint> {
  const line = progress ?? progressLine(process.stderr);
  try {
    return await interruptible(
      `stopped waiting; savepoint ${savepoint.id} is still being taken (\`krishiv savepoints get ${savepoint.id}\` follows it)`,
      (signal) =>
        session.waitForSavepoint(savepoint.id, {
          onProgress: (s) => line.update(`savepoint ${shortId(s.id)}`, s.state),
          signal,
        }),
    );
  } finally {
    if (!progress) line.end();
  }
}

export function savepointsCommand(): Command {
  const savepoints = new Command('savepoints')
    .description(
      'savepoints of streaming jobs: list, show, delete (take one with `krishiv jobs savepoint`)',
    )
    .addHelpText(
      'after',
      examples(
        'krishiv jobs savepoint 1a2b3c4d-… --wait   # take one',
        'krishiv savepoints list 1a2b3c4d-…',
        'krishiv savepoints get 5e6f7a8b-…',
        'krishiv jobs restore 5e6f7a8b-…            # a new job from it',
        'krishiv savepoints delete 5e6f7a8b-…',
      ),
    );

  savepoints
    .command('list')
    .description('list the savepoints of a job, newest first')
    .argument('<jobId>', 'job id', nonEmpty('job id'))
    .addHelpText(
      'after',
      examples(
        'krishiv savepoints list 1a2b3c4d-…',
        'krishiv savepoints list 1a2b3c4d-… --format json',
      ),
    )
    .action(async (jobId: string, _options: object, command: Command) => {
      await callAndPrint(
        command,
        (session) => session.listSavepoints(jobId),
        (list, format) => formatList(list, SAVEPOINT_FIELDS, format, 'savepoint', 'savepoints'),
      );
    });

  savepoints
    .command('get')
    .description('show one savepoint: state, offsets, location, error')
    .argument('<id>', 'savepoint id', nonEmpty('savepoint id'))
    .addHelpText(
      'after',
      examples(
        'krishiv savepoints get 5e6f7a8b-…',
        'krishiv savepoints get 5e6f7a8b-… --format json',
      ),
    )
    .action(async (id: string, _options: object, command: Command) => {
      await callAndPrint(command, (session) => session.getSavepoint(id), printSavepoint);
    });

  savepoints
    .command('delete')
    .description(
      'delete a completed or failed savepoint and its files (exits 1 while it is pending); needs role admin',
    )
    .argument('<id>', 'savepoint id', nonEmpty('savepoint id'))
    .addHelpText('after', examples('krishiv savepoints delete 5e6f7a8b-…'))
    .action(async (id: string, _options: object, command: Command) => {
      await callAndPrint(command, (session) => session.deleteSavepoint(id), printSavepoint);
    });

  return savepoints;
}
