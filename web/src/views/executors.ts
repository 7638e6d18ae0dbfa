import { api, ApiError, isAbort } from '../api';
import {
  actionButton,
  badge,
  errorNotice,
  liveIndicator,
  notice,
  pageHeader,
  table,
  time,
} from '../components';
import { h, replace } from '../dom';
import type { Executor } from '../types';
import type { ViewContext } from '../view';

export async function executorsView(ctx: ViewContext): Promise<void> {
  const mayManage = await ctx.session.can('executors:manage');
  const live = liveIndicator();
  const messages = h('div');
  const list = h('div', { id: 'executors-list' }, h('p', { class: 'muted' }, 'Loading…'));
  /** Rows are rebuilt only when something changed, so a half-confirmed click survives a refresh. */
  let shown = '';

  const manage = (executor: Executor, verb: 'drain' | 'resume' | 'remove') => async () => {
    const path = `/executors/${encodeURIComponent(executor.id)}`;
    try {
      if (verb === 'remove') await api<Executor>('DELETE', path);
      else await api<Executor>('POST', `${path}/${verb}`);
      replace(
        messages,
        notice('ok', `${executor.id}: ${verb === 'remove' ? 'removed' : `${verb} requested`}.`),
      );
    } catch (err) {
      if (!isAbort(err) && !(err instanceof ApiError && err.status === 401))
        replace(messages, errorNotice(err));
    }
    shown = '';
    await load();
  };

  const actionsFor = (e: Executor): HTMLElement[] => {
    const buttons: HTMLElement[] = [];
    if (e.state === 'active') {
      buttons.push(
        actionButton('Drain', manage(e, 'drain'), {
          class: 'button drain',
          title: 'Finish running jobs, take no new ones',
        }),
      );
    }
    if (e.state === 'draining' || e.state === 'drained') {
      buttons.push(actionButton('Resume', manage(e, 'resume'), { class: 'button resume' }));
    }
    if (e.state !== 'removed') {
      buttons.push(
        actionButton('Remove', manage(e, 'remove'), {
          class: 'button danger remove',
          confirm: 'Click again to remove',
          title: 'Retire the executor; its running jobs fail',
        }),
      );
    }
    return buttons;
  };

  const load = async (): Promise<void> => {
    try {
      const { executors } = await api<{ executors: Executor[] }>('GET', '/executors', {
        signal: ctx.signal,
      });
      live.mark(true);
      const key = JSON.stringify(executors);
      if (key === shown || list.querySelector('button.armed, button:disabled')) return;
      shown = key;
      const headers = ['Executor', 'State', 'Running jobs', 'Slots', 'Host', 'Last heartbeat'];
      replace(
        list,
        table(
          mayManage ? [...headers, 'Actions'] : headers,
          executors.map((e) => {
            const cells: (Node | string)[] = [
              h('span', { class: 'mono' }, e.id),
              badge(e.state, `state-${e.state}`),
              String(e.runningJobs),
              String(e.slots),
              h('span', { class: 'mono' }, e.host),
              time(e.lastHeartbeatAt),
            ];
            if (mayManage) cells.push(h('div', { class: 'row-actions' }, actionsFor(e)));
            return cells;
          }),
          { id: 'executors-table', empty: 'No executors.', numeric: [2, 3] },
        ),
      );
    } catch (err) {
      if (isAbort(err) || (err instanceof ApiError && err.status === 401)) return;
      live.mark(false);
      replace(list, errorNotice(err));
    }
  };

  replace(
    ctx.root,
    pageHeader('Executors', live.element),
    mayManage
      ? null
      : h(
          'p',
          { class: 'muted' },
          'Draining, resuming and removing executors needs the admin role.',
        ),
    messages,
    list,
  );
  ctx.poll(load, 3000);
}
