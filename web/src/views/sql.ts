import { api, ApiError, isAbort } from '../api';
import { csvLink, errorNotice, notice, pageHeader, resultGrid } from '../components';
import { h, replace, route } from '../dom';
import { formatCount, formatDuration, plural } from '../format';
import type { Job, QueryResult } from '../types';
import type { ViewContext } from '../view';

const DRAFT_KEY = 'krishiv.sql.draft';
const EXAMPLE = 'SELECT 42 AS answer';

export async function sqlView(ctx: ViewContext): Promise<void> {
  const initial = ctx.query.get('sql') ?? sessionStorage.getItem(DRAFT_KEY) ?? EXAMPLE;
  const editor = h('textarea', {
    id: 'sql-input',
    class: 'sql-editor',
    spellcheck: 'false',
    autocomplete: 'off',
    autocapitalize: 'off',
    rows: 6,
    'aria-label': 'SQL',
    value: initial,
  });
  const maxRows = h('input', {
    id: 'max-rows',
    type: 'number',
    min: 1,
    step: 1,
    placeholder: 'server default',
    class: 'input-narrow',
  });
  const run = h('button', { type: 'submit', class: 'button primary', id: 'run-query' }, 'Run');
  const submitJob = h(
    'button',
    { type: 'button', class: 'button', id: 'submit-job', hidden: true },
    'Submit as job',
  );
  const output = h('div', { id: 'sql-output', 'aria-live': 'polite' });

  let running: AbortController | undefined;
  const maxRowsValue = (): number | undefined => {
    const n = Number(maxRows.value);
    return maxRows.value.trim() !== '' && Number.isInteger(n) && n > 0 ? n : undefined;
  };

  const execute = async () => {
    const sql = editor.value.trim();
    if (!sql) return;
    running?.abort();
    const controller = new AbortController();
    running = controller;
    ctx.signal.addEventListener('abort', () => controller.abort(), { once: true });
    run.disabled = true;
    run.textContent = 'Running…';
    replace(output, h('p', { class: 'muted' }, 'Running…'));
    const started = performance.now();
    try {
      const result = await api<QueryResult>('POST', '/query', {
        body: { sql, maxRows: maxRowsValue() },
        signal: controller.signal,
      });
      renderResult(output, result, performance.now() - started);
    } catch (err) {
      if (isAbort(err)) return;
      if (err instanceof ApiError && err.status === 401) return;
      replace(output, errorNotice(err));
    } finally {
      if (running === controller) {
        run.disabled = false;
        run.textContent = 'Run';
      }
    }
  };

  editor.addEventListener('input', () => sessionStorage.setItem(DRAFT_KEY, editor.value));
  editor.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void execute();
    }
  });
  submitJob.addEventListener('click', async () => {
    const sql = editor.value.trim();
    if (!sql) return;
    submitJob.disabled = true;
    try {
      const job = await api<Job>('POST', '/jobs', { body: { sql }, signal: ctx.signal });
      location.hash = route('jobs', job.id);
    } catch (err) {
      if (!isAbort(err)) replace(output, errorNotice(err));
    } finally {
      submitJob.disabled = false;
    }
  });

  replace(
    ctx.root,
    pageHeader('SQL'),
    h(
      'form',
      {
        class: 'card sql-form',
        on: {
          submit: (event) => {
            event.preventDefault();
            void execute();
          },
        },
      },
      editor,
      h(
        'div',
        { class: 'toolbar' },
        run,
        submitJob,
        h('label', { class: 'inline-label', for: 'max-rows' }, 'Max rows'),
        maxRows,
        h('span', { class: 'hint' }, h('kbd', null, 'Ctrl'), '+', h('kbd', null, 'Enter'), ' runs'),
      ),
    ),
    output,
  );
  editor.focus();
  if (await ctx.session.can('jobs:submit')) submitJob.hidden = false;
}

function renderResult(output: HTMLElement, result: QueryResult, roundTripMs: number): void {
  const rows = plural(result.rowCount, 'row');
  replace(
    output,
    h(
      'div',
      { class: 'result-meta' },
      h('span', { id: 'row-count' }, rows),
      h('span', { class: 'sep' }, '·'),
      h(
        'span',
        { id: 'elapsed', title: `round trip ${formatDuration(roundTripMs)}` },
        `${formatDuration(result.elapsedMs)} elapsed`,
      ),
      h('span', { class: 'sep' }, '·'),
      h('span', null, plural(result.columns.length, 'column')),
      h('span', { class: 'spacer' }),
      result.columns.length
        ? csvLink(result.columns, result.rows, 'query-result.csv', 'csv-download')
        : null,
    ),
    result.truncated
      ? notice(
          'warn',
          h(
            'span',
            { id: 'truncated' },
            `Truncated: only the first ${formatCount(result.rowCount)} rows are shown. `,
          ),
          'Raise Max rows, or submit the query as a job to page through every row.',
        )
      : null,
    result.columns.length ? resultGrid(result.columns, result.rows) : notice('ok', 'Done.'),
  );
}
