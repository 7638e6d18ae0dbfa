import { api } from '../api';
import {
  badge,
  card,
  details,
  errorNotice,
  pageHeader,
  roleBadge,
  table,
  time,
} from '../components';
import { h, replace } from '../dom';
import { formatRelative } from '../format';
import type { CanIAnswer, Principal } from '../types';
import type { ViewContext } from '../view';
import { ACTIONS } from '../../../src/access/permissions';

const METHODS: Record<Principal['method'], string> = {
  oidc: 'an access token from the OIDC provider',
  'service-token': 'a static service token (KRISHIV_COORDINATOR_BEARER_TOKEN…)',
  'ui-token': "the coordinator's UI token (KRISHIV_UI_TOKEN)",
  anonymous: 'no token: anonymous access is on (development only)',
};

function expiry(principal: Principal): Node | string {
  if (!principal.expiresAt) return 'does not expire (static token)';
  const left = new Date(principal.expiresAt).getTime() - Date.now();
  return h(
    'span',
    null,
    time(principal.expiresAt),
    ' ',
    h(
      'span',
      { class: left > 0 ? 'muted' : 'text-error' },
      left > 0 ? `(${formatRelative(principal.expiresAt)})` : '(expired)',
    ),
  );
}

export async function whoamiView(ctx: ViewContext): Promise<void> {
  const principal = await api<Principal>('GET', '/auth/whoami', { signal: ctx.signal });
  ctx.session.principal = principal;
  ctx.refreshSession();

  const permissions = h('div', null, h('p', { class: 'muted' }, 'Asking the coordinator…'));
  replace(
    ctx.root,
    pageHeader('Who am I'),
    card(
      null,
      h(
        'div',
        { id: 'whoami' },
        details([
          ['Subject', h('span', { class: 'mono', id: 'whoami-subject' }, principal.subject)],
          [
            'Role',
            h(
              'span',
              { id: 'whoami-role' },
              roleBadge(principal.role),
              principal.role ? null : h('span', { class: 'muted' }, ' — only whoami and can-i'),
            ),
          ],
          [
            'Method',
            h(
              'span',
              { id: 'whoami-method' },
              badge(principal.method, 'neutral'),
              ' ',
              h('span', { class: 'muted' }, METHODS[principal.method] ?? ''),
            ),
          ],
          ['Issuer', principal.issuer ? h('span', { class: 'mono' }, principal.issuer) : undefined],
          ['Expires', h('span', { id: 'whoami-expiry' }, expiry(principal))],
        ]),
      ),
    ),
    card('What this token may do', permissions),
  );

  try {
    const answers: CanIAnswer[] = await Promise.all(ACTIONS.map((a) => ctx.session.canI(a)));
    if (ctx.signal.aborted) return;
    replace(
      permissions,
      table(
        ['Action', 'Minimum role', 'Allowed', 'Why'],
        answers.map((a) => [
          h('span', { class: 'mono' }, a.action),
          a.requiredRole ? roleBadge(a.requiredRole) : h('span', { class: 'muted' }, 'any'),
          a.allowed ? badge('yes', 'yes') : badge('no', 'no'),
          h('span', { class: 'muted' }, a.reason),
        ]),
        { id: 'permissions' },
      ),
    );
  } catch (err) {
    replace(permissions, errorNotice(err));
  }
}
