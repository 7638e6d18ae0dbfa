import { api, ApiError, isAbort } from '../api';
import { badge, errorNotice, liveIndicator, pageHeader, table, time } from '../components';
import { h, replace, route } from '../dom';
import { formatCount, formatDuration } from '../format';
import { JOB_STATES, type Job, type JobList } from '../types';
import type { ViewContext } from '../view';

const PAGE_SIZE = 25;

export const stateBadge = (state: string): HTMLSpanElement => badge(state, `state-${state}`);

/** Run time so far, or in total once finished. */
export function jobDuration(job: Job): string {
  if (!job.startedAt) return '—';
  const end = job.finishedAt ? new Date(job.finishedAt).getTime() : Date.now();
  return formatDuration(end - new Date(job.startedAt).getTime());
}

function select(id: string, label: string, options: readonly string[], value: string) {
  return h(
    'select',
    { id, 'aria-label': label },
    h('option', { value: '' }, `Any ${label.toLowerCase()}`),
    options.map((o) => h('option', { value: o, selected: o === value }, o)),
  );
}

export async function jobsView(ctx: ViewContext): Promise<void> {
  const state = select('filter-state', 'State', JOB_STATES, ctx.query.get('state') ?? '');
  const kind = select('filter-kind', 'Kind', ['batch', 'streaming'], ctx.query.get('kind') ?? '');
  const submittedBy = h('input', {
    id: 'filter-submitted-by',
    type: 'search',
    placeholder: 'Submitted by',
    'aria-label': 'Submitted by',
    value: ctx.query.get('submittedBy') ?? '',
  });
  const live = liveIndicator();
  const list = h('div', { id: 'jobs-list' }, h('p', { class: 'muted' }, 'Loading…'));
  const newer = h('button', { type: 'button', class: 'button', disabled: true }, '← Newer');
  const older = h('button', { type: 'button', class: 'button', disabled: true }, 'Older →');
  const pageLabel = h('span', { class: 'muted' });

  /** Page tokens from the newest page to the one on screen. */
  let pages: (string | undefined)[] = [undefined];
  let nextPageToken: string | undefined;
  let generation = 0;

  const filters = () => ({
    state: state.value || undefined,
    kind: kind.value || undefined,
    submittedBy: submittedBy.value.trim() || undefined,
  });

  const load = async (): Promise<void> => {
    const mine = generation;
    try {
      const answer = await api<JobList>('GET', '/jobs', {
        query: { ...filters(), pageSize: PAGE_SIZE, pageToken: pages[pages.length - 1] },
        signal: ctx.signal,
      });
      if (mine !== generation) return;
      nextPageToken = answer.nextPageToken;
      render(answer.jobs);
      live.mark(true);
    } catch (err) {
      if (isAbort(err) || mine !== generation) return;
      if (err instanceof ApiError && err.status === 401) return;
      live.mark(false);
      replace(list, errorNotice(err));
    }
  };

  const render = (jobs: Job[]) => {
    replace(
      list,
      table(
        ['Job', 'Name', 'Kind', 'State', 'Submitted by', 'Submitted', 'Run time', 'Rows'],
        jobs.map((job) => [
          h('a', { href: route('jobs', job.id), class: 'mono', title: job.id }, job.id.slice(0, 8)),
          h('a', { href: route('jobs', job.id) }, job.name || '(unnamed)'),
          job.kind,
          stateBadge(job.state),
          job.submittedBy,
          time(job.submittedAt),
          jobDuration(job),
          formatCount(job.rowCount),
        ]),
        { id: 'jobs-table', empty: 'No jobs match these filters.', numeric: [7] },
      ),
    );
    newer.disabled = pages.length <= 1;
    older.disabled = !nextPageToken;
    pageLabel.textContent = `Page ${pages.length}`;
  };

  const refilter = () => {
    generation++;
    pages = [undefined];
    ctx.setQuery(filters());
    void load();
  };
  state.addEventListener('change', refilter);
  kind.addEventListener('change', refilter);
  let typing: number | undefined;
  submittedBy.addEventListener('input', () => {
    window.clearTimeout(typing);
    typing = window.setTimeout(refilter, 300);
  });
  newer.addEventListener('click', () => {
    generation++;
    pages.pop();
    void load();
  });
  older.addEventListener('click', () => {
    if (!nextPageToken) return;
    generation++;
    pages.push(nextPageToken);
    void load();
  });
  const clear = h('button', { type: 'button', class: 'button link-button' }, 'Clear filters');
  clear.addEventListener('click', () => {
    state.value = '';
    kind.value = '';
    submittedBy.value = '';
    refilter();
  });

  replace(
    ctx.root,
    pageHeader('Jobs', live.element),
    h('div', { class: 'filters', role: 'search' }, state, kind, submittedBy, clear),
    list,
    h('div', { class: 'pager' }, newer, pageLabel, older),
  );
  ctx.poll(load, 2000);
}
