import { api, ApiError, isAbort } from '../api';
import {
  actionButton,
  card,
  csvLink,
  details,
  errorNotice,
  notice,
  pageHeader,
  resultGrid,
  table,
  time,
} from '../components';
import { h, replace, route } from '../dom';
import { formatCount } from '../format';
import type { Job, JobResultPage, Savepoint } from '../types';
import type { ViewContext } from '../view';
import { jobDuration, stateBadge } from './jobs';

const RESULT_PAGE = 100;
const active = (job: Job) => job.state === 'queued' || job.state === 'running';

export async function jobView(ctx: ViewContext): Promise<void> {
  const id = ctx.segments[0] ?? '';
  const [mayCancel, maySavepoint, mayRestore] = await Promise.all([
    ctx.session.can('jobs:cancel'),
    ctx.session.can('jobs:savepoint'),
    ctx.session.can('jobs:restore'),
  ]);

  const title = h('span', null, id);
  const stateHolder = h('span', { id: 'job-state-holder' });
  const actions = h('div', { class: 'actions', id: 'job-actions' });
  const messages = h('div', { id: 'job-messages' });
  const info = h('div', null, h('p', { class: 'muted' }, 'Loading…'));
  const sql = h('pre', { class: 'sql-block' });
  const resultSection = h('div', { id: 'job-result' });
  const savepointSection = h('div', { id: 'job-savepoints' });
  let job: Job | undefined;
  let actionsFor = '';
  let resultLoaded = false;
  /** The savepoint this page asked for, announced once it is no longer pending. */
  let awaited: string | undefined;

  const fail = (err: unknown) => {
    if (isAbort(err) || (err instanceof ApiError && err.status === 401)) return;
    replace(messages, errorNotice(err));
  };

  const renderActions = (j: Job) => {
    const key = `${j.state}`;
    if (key === actionsFor) return;
    actionsFor = key;
    const buttons: HTMLElement[] = [];
    if (mayCancel && active(j)) {
      buttons.push(
        actionButton(
          'Cancel job',
          async () => {
            try {
              show(await api<Job>('POST', `/jobs/${encodeURIComponent(id)}/cancel`));
              replace(messages, notice('ok', 'Cancelled.'));
            } catch (err) {
              fail(err);
            }
          },
          {
            class: 'button danger',
            id: 'cancel-job',
            confirm: 'Click again to cancel',
            busy: 'Cancelling…',
          },
        ),
      );
    }
    if (maySavepoint && j.kind === 'streaming' && j.state === 'running') {
      const trigger = (stop: boolean) => async () => {
        try {
          const sp = await api<Savepoint>('POST', `/jobs/${encodeURIComponent(id)}/savepoints`, {
            body: { stop },
          });
          awaited = sp.id;
          replace(messages, notice('info', `Savepoint ${sp.id.slice(0, 8)} requested…`));
          await loadSavepoints();
        } catch (err) {
          fail(err);
        }
      };
      buttons.push(actionButton('Take savepoint', trigger(false), { id: 'take-savepoint' }));
      buttons.push(
        actionButton('Stop with savepoint', trigger(true), {
          class: 'button danger',
          confirm: 'Click again to stop',
          id: 'stop-with-savepoint',
        }),
      );
    }
    replace(actions, buttons);
  };

  const show = (j: Job) => {
    job = j;
    title.textContent = j.name || '(unnamed job)';
    replace(stateHolder, h('span', { id: 'job-state', class: 'job-state' }, stateBadge(j.state)));
    renderActions(j);
    sql.textContent = j.sql;
    const streaming = j.kind === 'streaming';
    replace(
      info,
      details(
        [
          ['Job id', h('span', { class: 'mono' }, j.id)],
          ['Kind', j.kind],
          ['Submitted by', j.submittedBy],
          ['Submitted', time(j.submittedAt)],
          ['Started', j.startedAt ? time(j.startedAt) : undefined],
          ['Finished', j.finishedAt ? time(j.finishedAt) : undefined],
          ['Run time', j.startedAt ? jobDuration(j) : undefined],
          ['Executor', j.executorId],
          ['Rows', j.rowCount !== undefined ? formatCount(j.rowCount) : undefined],
          ['Timeout', j.timeoutMs !== undefined ? `${formatCount(j.timeoutMs)} ms` : undefined],
          ['Cancelled by', j.cancelledBy],
          ['Sink', streaming ? j.sink : undefined],
          ['Offset', streaming ? formatCount(j.offset) : undefined],
          ['Lag', streaming ? formatCount(j.lag) : undefined],
          ['Records processed', streaming ? formatCount(j.recordsProcessed) : undefined],
          ['Last batch', streaming && j.lastBatchAt ? time(j.lastBatchAt) : undefined],
          [
            'Restored from',
            j.restoredFrom ? h('span', { class: 'mono' }, j.restoredFrom) : undefined,
          ],
        ],
        { wide: true },
      ),
      j.error ? notice('error', h('strong', null, 'Error: '), j.error) : null,
    );
  };

  const loadResult = async (offset: number) => {
    try {
      const page = await api<JobResultPage>('GET', `/jobs/${encodeURIComponent(id)}/result`, {
        query: { offset, limit: RESULT_PAGE },
        signal: ctx.signal,
      });
      resultLoaded = true;
      const last = page.offset + page.rows.length;
      const prev = h(
        'button',
        { type: 'button', class: 'button', disabled: page.offset === 0 },
        '← Previous',
      );
      const next = h(
        'button',
        { type: 'button', class: 'button', disabled: page.nextOffset === undefined },
        'Next →',
      );
      prev.addEventListener('click', () => void loadResult(Math.max(0, page.offset - RESULT_PAGE)));
      next.addEventListener('click', () => {
        if (page.nextOffset !== undefined) void loadResult(page.nextOffset);
      });
      replace(
        resultSection,
        card(
          'Result',
          h(
            'div',
            { class: 'result-meta' },
            h(
              'span',
              { id: 'result-range' },
              page.totalRows === 0
                ? 'No rows'
                : `Rows ${formatCount(page.offset + 1)}–${formatCount(last)} of ${formatCount(page.totalRows)}`,
            ),
            h('span', { class: 'spacer' }),
            prev,
            next,
            csvLink(
              page.columns,
              page.rows,
              `job-${id}-rows-${page.offset + 1}-${last}.csv`,
              'result-csv',
            ),
          ),
          resultGrid(page.columns, page.rows, page.offset + 1),
        ),
      );
    } catch (err) {
      if (isAbort(err) || (err instanceof ApiError && err.status === 401)) return;
      replace(resultSection, card('Result', errorNotice(err)));
    }
  };

  const loadSavepoints = async (): Promise<Savepoint[]> => {
    try {
      const { savepoints } = await api<{ savepoints: Savepoint[] }>(
        'GET',
        `/jobs/${encodeURIComponent(id)}/savepoints`,
        { signal: ctx.signal },
      );
      replace(
        savepointSection,
        card(
          'Savepoints',
          table(
            ['Savepoint', 'Label', 'State', 'Created', 'Completed', 'Offsets', ''],
            savepoints.map((sp) => [
              h('span', { class: 'mono', title: sp.location ?? sp.id }, sp.id.slice(0, 8)),
              sp.label ?? '',
              [
                stateBadge(sp.state),
                sp.error ? h('div', { class: 'text-error small' }, sp.error) : null,
              ],
              time(sp.createdAt),
              time(sp.completedAt),
              h(
                'span',
                { class: 'mono small' },
                Object.entries(sp.offsets ?? {})
                  .map(([stream, offset]) => `${stream}@${offset}`)
                  .join(', '),
              ),
              h('div', { class: 'row-actions' }, savepointActions(sp)),
            ]),
            { empty: 'No savepoints yet.', id: 'savepoints-table' },
          ),
        ),
      );
      const asked = savepoints.find((sp) => sp.id === awaited);
      if (asked && asked.state !== 'pending') {
        awaited = undefined;
        replace(
          messages,
          asked.state === 'completed'
            ? notice('ok', `Savepoint ${asked.id.slice(0, 8)} completed.`)
            : notice(
                'error',
                `Savepoint ${asked.id.slice(0, 8)} failed: ${asked.error ?? 'no reason given'}`,
              ),
        );
      }
      return savepoints;
    } catch (err) {
      if (!isAbort(err) && !(err instanceof ApiError && err.status === 401)) {
        replace(savepointSection, card('Savepoints', errorNotice(err)));
      }
      return [];
    }
  };

  const savepointActions = (sp: Savepoint): HTMLElement[] => {
    const buttons: HTMLElement[] = [];
    if (mayRestore && sp.state === 'completed') {
      buttons.push(
        actionButton('Restore', async () => {
          try {
            const restored = await api<Job>(
              'POST',
              `/savepoints/${encodeURIComponent(sp.id)}/restore`,
              {
                body: {},
              },
            );
            location.hash = route('jobs', restored.id);
          } catch (err) {
            fail(err);
          }
        }),
      );
    }
    if (maySavepoint && sp.state !== 'pending') {
      buttons.push(
        actionButton(
          'Delete',
          async () => {
            try {
              await api<Savepoint>('DELETE', `/savepoints/${encodeURIComponent(sp.id)}`);
              await loadSavepoints();
            } catch (err) {
              fail(err);
            }
          },
          { class: 'button danger', confirm: 'Click again to delete' },
        ),
      );
    }
    return buttons;
  };

  replace(
    ctx.root,
    h(
      'nav',
      { class: 'breadcrumb' },
      h('a', { href: route('jobs') }, 'Jobs'),
      ' / ',
      h('span', { class: 'mono' }, id),
    ),
    pageHeader([title, ' ', stateHolder], actions),
    messages,
    card('Details', info),
    card('SQL', sql),
    resultSection,
    savepointSection,
  );

  ctx.poll(async () => {
    try {
      show(await api<Job>('GET', `/jobs/${encodeURIComponent(id)}`, { signal: ctx.signal }));
    } catch (err) {
      if (isAbort(err) || (err instanceof ApiError && err.status === 401)) return false;
      replace(info, errorNotice(err));
      return err instanceof ApiError && err.status >= 500;
    }
    const j = job as Job;
    if (j.state === 'succeeded' && j.kind === 'batch' && !resultLoaded) await loadResult(0);
    let pending = false;
    if (j.kind === 'streaming')
      pending = (await loadSavepoints()).some((s) => s.state === 'pending');
    return active(j) || pending;
  }, 1000);
}
