import { api } from '../api';
import { card, details, pageHeader, table, time } from '../components';
import { h, replace, route } from '../dom';
import { formatCount } from '../format';
import type { Stream } from '../types';
import type { ViewContext } from '../view';

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function streamsView(ctx: ViewContext): Promise<void> {
  if (ctx.segments.length) return streamView(ctx, ctx.segments[0]);
  const { streams } = await api<{ streams: Stream[] }>('GET', '/streams', { signal: ctx.signal });
  replace(
    ctx.root,
    pageHeader('Streams'),
    table(
      ['Stream', 'Columns', 'Records', 'Last offset', 'Created by', 'Created'],
      streams.map((s) => [
        h('a', { href: route('streams', s.name), class: 'mono' }, s.name),
        h(
          'span',
          { class: 'small', title: s.columns.map((c) => `${c.name} ${c.type}`).join(', ') },
          s.columns.map((c) => c.name).join(', '),
        ),
        formatCount(s.recordCount),
        formatCount(s.lastOffset),
        s.createdBy,
        time(s.createdAt),
      ]),
      {
        id: 'streams-table',
        numeric: [2, 3],
        empty:
          'No streams yet. Writers create them with POST /api/v1/streams or krishiv streams create.',
      },
    ),
  );
}

async function streamView(ctx: ViewContext, name: string): Promise<void> {
  const stream = await api<Stream>('GET', `/streams/${encodeURIComponent(name)}`, {
    signal: ctx.signal,
  });
  const sql = `SELECT * FROM ${quoteIdent(stream.name)} ORDER BY _offset DESC LIMIT 100`;
  replace(
    ctx.root,
    h(
      'nav',
      { class: 'breadcrumb' },
      h('a', { href: route('streams') }, 'Streams'),
      ' / ',
      h('span', { class: 'mono' }, stream.name),
    ),
    pageHeader(
      h('span', { class: 'mono' }, stream.name),
      h(
        'div',
        { class: 'actions' },
        h(
          'a',
          { class: 'button', href: `${route('sql')}?${new URLSearchParams({ sql })}` },
          'Query latest records',
        ),
      ),
    ),
    card(
      null,
      details([
        ['Records', h('span', { id: 'stream-record-count' }, formatCount(stream.recordCount))],
        ['Last offset', formatCount(stream.lastOffset)],
        ['Created by', stream.createdBy],
        ['Created', time(stream.createdAt)],
      ]),
    ),
    card(
      'Schema',
      table(
        ['#', 'Column', 'Type'],
        [
          ...stream.columns.map((c, i) => [
            String(i + 1),
            h('span', { class: 'mono' }, c.name),
            h('span', { class: 'mono' }, c.type),
          ]),
          [
            '',
            h('span', { class: 'mono muted' }, '_offset'),
            h('span', { class: 'mono muted' }, 'BIGINT (assigned on append, from 1)'),
          ],
        ],
        { id: 'stream-schema' },
      ),
    ),
  );
}
