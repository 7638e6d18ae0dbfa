import { ApiError } from './api';
import { h, replace, type Child } from './dom';
import { cellText, formatRelative, formatTime, isNumericType, toCsv } from './format';
import type { Column, Value } from './types';

export function badge(text: string, kind = text): HTMLSpanElement {
  return h('span', { class: `badge badge-${kind}` }, text);
}

export const roleBadge = (role: string | null): HTMLSpanElement =>
  role ? badge(role, `role-${role}`) : badge('no role', 'role-none');

/** A timestamp in local time, with the ISO value and "how long ago" on hover. */
export function time(iso: string | undefined): HTMLElement | string {
  if (!iso) return '—';
  return h('time', { datetime: iso, title: `${iso} (${formatRelative(iso)})` }, formatTime(iso));
}

export function pageHeader(title: Child | Child[], ...extra: Child[]): HTMLElement {
  return h('div', { class: 'page-header' }, h('h1', null, title), ...extra);
}

export function card(title: string | null, ...children: (Child | Child[])[]): HTMLElement {
  return h('section', { class: 'card' }, title ? h('h2', null, title) : null, ...children);
}

/** A definition list of label/value pairs; pairs with an undefined value are left out. */
export function details(
  pairs: [string, Child | Child[]][],
  options: { wide?: boolean } = {},
): HTMLDListElement {
  return h(
    'dl',
    { class: options.wide ? 'details wide' : 'details' },
    pairs
      .filter(([, value]) => value !== undefined)
      .flatMap(([label, value]) => [h('dt', null, label), h('dd', null, value)]),
  );
}

export type NoticeKind = 'info' | 'warn' | 'error' | 'ok';

export function notice(kind: NoticeKind, ...children: Child[]): HTMLDivElement {
  return h(
    'div',
    { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    ...children,
  );
}

/** What went wrong, in the server's words; 403s name the role that would be needed. */
export function errorNotice(err: unknown): HTMLDivElement {
  if (err instanceof ApiError) {
    const title =
      err.status === 0
        ? 'Unreachable'
        : err.status === 403
          ? 'Not allowed'
          : err.status === 404
            ? 'Not found'
            : `Error ${err.status}`;
    return notice('error', h('strong', null, `${title}: `), err.message);
  }
  return notice('error', String(err instanceof Error ? err.message : err));
}

/** A result table: row numbers, a header naming each column and its type, typed alignment. */
export function resultGrid(columns: Column[], rows: Value[][], firstRow = 1): HTMLElement {
  const numeric = columns.map((c) => isNumericType(c.type));
  const head = h(
    'tr',
    null,
    h('th', { class: 'rownum', scope: 'col' }, '#'),
    columns.map((c, i) =>
      h(
        'th',
        { scope: 'col', class: numeric[i] ? 'num' : undefined },
        h('span', { class: 'col-name' }, c.name),
        h('span', { class: 'col-type' }, c.type),
      ),
    ),
  );
  const body = rows.map((row, r) =>
    h(
      'tr',
      null,
      h('td', { class: 'rownum' }, String(firstRow + r)),
      row.map((value, i) => {
        const text = cellText(value);
        const cls = [numeric[i] ? 'num' : '', text === null ? 'null' : '']
          .filter(Boolean)
          .join(' ');
        return h(
          'td',
          { class: cls || undefined, title: text !== null && text.length > 40 ? text : undefined },
          text ?? 'NULL',
        );
      }),
    ),
  );
  return h(
    'div',
    { class: 'grid-wrap results' },
    h(
      'table',
      { class: 'grid' },
      h('thead', null, head),
      h(
        'tbody',
        null,
        body.length
          ? body
          : h('tr', null, h('td', { class: 'empty', colspan: columns.length + 1 }, 'No rows')),
      ),
    ),
  );
}

let lastCsvUrl: string | undefined;

/** A download link for rows already on the page; nothing is sent again to the server. */
export function csvLink(
  columns: Column[],
  rows: Value[][],
  filename: string,
  id?: string,
): HTMLAnchorElement {
  if (lastCsvUrl) URL.revokeObjectURL(lastCsvUrl);
  lastCsvUrl = URL.createObjectURL(
    new Blob([toCsv(columns, rows)], { type: 'text/csv;charset=utf-8' }),
  );
  return h('a', { class: 'button', href: lastCsvUrl, download: filename, id }, 'Download CSV');
}

/** A plain table of records with a header row; `numeric` columns are right-aligned. */
export function table(
  headers: string[],
  rows: (Child | Child[])[][],
  options: { empty?: string; class?: string; id?: string; numeric?: number[] } = {},
): HTMLElement {
  const align = (i: number) => (options.numeric?.includes(i) ? 'num' : undefined);
  return h(
    'div',
    { class: 'grid-wrap' },
    h(
      'table',
      { class: `list ${options.class ?? ''}`.trim(), id: options.id },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          headers.map((t, i) => h('th', { scope: 'col', class: align(i) }, t)),
        ),
      ),
      h(
        'tbody',
        null,
        rows.length
          ? rows.map((cells) =>
              h(
                'tr',
                null,
                cells.map((c, i) => h('td', { class: align(i) }, c)),
              ),
            )
          : h(
              'tr',
              null,
              h('td', { class: 'empty', colspan: headers.length }, options.empty ?? 'None'),
            ),
      ),
    ),
  );
}

/**
 * A button that runs `action` once, disabled while it runs. With `confirm`, the first click
 * asks again in place ("Click again to …") for a few seconds.
 */
export function actionButton(
  label: string,
  action: () => Promise<void>,
  options: { class?: string; confirm?: string; busy?: string; id?: string; title?: string } = {},
): HTMLButtonElement {
  let armed = false;
  let disarm: number | undefined;
  const button: HTMLButtonElement = h(
    'button',
    { type: 'button', class: options.class ?? 'button', id: options.id, title: options.title },
    label,
  );
  button.addEventListener('click', () => {
    if (options.confirm && !armed) {
      armed = true;
      button.textContent = options.confirm;
      button.classList.add('armed');
      disarm = window.setTimeout(() => {
        armed = false;
        button.textContent = label;
        button.classList.remove('armed');
      }, 4000);
      return;
    }
    window.clearTimeout(disarm);
    armed = false;
    button.classList.remove('armed');
    button.disabled = true;
    button.textContent = options.busy ?? `${label}…`;
    action().finally(() => {
      button.disabled = false;
      button.textContent = label;
    });
  });
  return button;
}

/** A small "live" marker that says when the data on screen was fetched. */
export function liveIndicator(): { element: HTMLElement; mark: (ok: boolean) => void } {
  const element = h('span', { class: 'live', title: 'Refreshed automatically' });
  const mark = (ok: boolean) => {
    element.classList.toggle('live-stale', !ok);
    replace(
      element,
      ok
        ? `Live · updated ${formatTime(new Date().toISOString()).slice(11)}`
        : 'Live · refresh failed, retrying',
    );
  };
  return { element, mark };
}
