import { api, ApiError, isAbort, onUnauthorized, Session, tokenStore } from './api';
import { errorNotice, roleBadge } from './components';
import { h, replace } from './dom';
import type { Principal } from './types';
import type { View, ViewContext } from './view';
import { executorsView } from './views/executors';
import { jobView } from './views/job';
import { jobsView } from './views/jobs';
import { sqlView } from './views/sql';
import { streamsView } from './views/streams';
import { whoamiView } from './views/whoami';

const NAV: [path: string, label: string][] = [
  ['whoami', 'Who am I'],
  ['sql', 'SQL'],
  ['jobs', 'Jobs'],
  ['executors', 'Executors'],
  ['streams', 'Streams'],
];

function viewFor(name: string, rest: string[]): View | undefined {
  switch (name) {
    case '':
    case 'whoami':
      return whoamiView;
    case 'sql':
      return sqlView;
    case 'jobs':
      return rest.length ? jobView : jobsView;
    case 'executors':
      return executorsView;
    case 'streams':
      return streamsView;
    default:
      return undefined;
  }
}

const app = document.getElementById('app') as HTMLElement;
let session: Session | undefined;
let current: AbortController | undefined;
let signInForm: { form: HTMLFormElement; message: HTMLElement } | undefined;

/** `#token=…` (a link from the operator) is stored, then taken out of the address bar and history. */
function takeTokenFromFragment(): boolean {
  const match = /^#token=([^&]*)/.exec(location.hash);
  if (!match) return false;
  let token = '';
  try {
    token = decodeURIComponent(match[1]).trim();
  } catch {
    token = '';
  }
  if (token) tokenStore.set(token);
  history.replaceState(null, '', location.pathname + location.search);
  return token !== '';
}

function parseHash(): { name: string; rest: string[]; query: URLSearchParams } {
  const raw = location.hash.replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const segments = path
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  return {
    name: segments[0] ?? '',
    rest: segments.slice(1),
    query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)),
  };
}

function leaveView(): void {
  current?.abort();
  current = undefined;
}

/** The sign-in card: shown on first load, after a 401 and after signing out. */
function showSignIn(message?: string): void {
  leaveView();
  session = undefined;
  document.title = 'Sign in · Krishiv Coordinator';
  if (signInForm && signInForm.form.isConnected) {
    if (message) replace(signInForm.message, message);
    signInForm.message.hidden = !message;
    return;
  }
  const input = h('input', {
    id: 'token-input',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    placeholder: 'Paste a bearer token',
    'aria-describedby': 'token-help',
  });
  const messageBox = h(
    'div',
    { class: 'notice notice-error', id: 'token-message', role: 'alert', hidden: !message },
    message ?? '',
  );
  const submit = h(
    'button',
    { type: 'submit', class: 'button primary', id: 'token-submit' },
    'Sign in',
  );
  const form = h(
    'form',
    {
      class: 'card signin',
      id: 'token-form',
      on: {
        submit: (event) => {
          event.preventDefault();
          const token = input.value.trim();
          if (!token) return;
          tokenStore.set(token);
          submit.disabled = true;
          void start().finally(() => (submit.disabled = false));
        },
      },
    },
    h('h1', null, 'Sign in'),
    h(
      'p',
      { id: 'token-help', class: 'muted' },
      'Paste an OIDC access token, the UI token or a service token. It is kept in this ' +
        "browser's local storage and sent as Authorization: Bearer with every request, " +
        'until you sign out or the coordinator refuses it.',
    ),
    messageBox,
    h('label', { for: 'token-input' }, 'Bearer token'),
    input,
    h('div', { class: 'toolbar' }, submit),
    h(
      'p',
      { class: 'muted small' },
      'A coordinator started without credentials writes a development token to ',
      h('code', null, '.krishiv/dev-token'),
      '.',
    ),
  );
  signInForm = { form, message: messageBox };
  replace(app, h('main', { class: 'signin-page' }, form));
  input.focus();
}

function renderShell(principal: Principal): HTMLElement {
  signInForm = undefined;
  const signOut = h(
    'button',
    { type: 'button', class: 'button link-button', id: 'sign-out' },
    'Sign out',
  );
  signOut.addEventListener('click', () => {
    tokenStore.clear();
    showSignIn();
  });
  const main = h('main', { class: 'content', id: 'view' });
  replace(
    app,
    h(
      'header',
      { class: 'topbar' },
      h(
        'div',
        { class: 'topbar-inner' },
        h(
          'a',
          { class: 'brand', href: '#/whoami' },
          h('img', { src: '/ui/favicon.svg', alt: '', width: 22, height: 22 }),
          'Krishiv',
        ),
        h(
          'nav',
          { class: 'nav', 'aria-label': 'Main' },
          NAV.map(([path, label]) => h('a', { href: `#/${path}`, 'data-view': path }, label)),
        ),
        h('div', { class: 'session', id: 'session' }, sessionBadge(principal), signOut),
      ),
    ),
    main,
  );
  return main;
}

function sessionBadge(principal: Principal): HTMLElement {
  return h(
    'span',
    { class: 'session-who', id: 'session-who' },
    h('span', { class: 'subject', title: principal.subject }, principal.subject),
    roleBadge(principal.role),
  );
}

/** Shows the view the address names, tearing down the previous one. */
async function navigate(): Promise<void> {
  if (!session) return;
  leaveView();
  const controller = new AbortController();
  current = controller;
  const { name, rest, query } = parseHash();
  let main = document.getElementById('view');
  if (!main) main = renderShell(session.principal);
  for (const link of document.querySelectorAll<HTMLAnchorElement>('.nav a')) {
    const active = link.dataset.view === (name || 'whoami');
    link.classList.toggle('active', active);
    if (active) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const label = NAV.find(([path]) => path === (name || 'whoami'))?.[1];
  document.title = `${label ?? 'Not found'} · Krishiv Coordinator`;
  replace(main, h('p', { class: 'muted' }, 'Loading…'));
  const view = viewFor(name, rest);
  if (!view) {
    replace(
      main,
      h('h1', null, 'Not found'),
      h('p', null, 'No page at ', h('code', null, location.hash), '.'),
    );
    return;
  }
  const viewSession = session;
  const ctx: ViewContext = {
    root: main,
    segments: rest,
    query,
    session: viewSession,
    signal: controller.signal,
    poll(tick, ms) {
      let timer: number | undefined;
      controller.signal.addEventListener('abort', () => window.clearTimeout(timer), { once: true });
      const run = async () => {
        if (controller.signal.aborted) return;
        let again: boolean | void = true;
        if (document.visibilityState !== 'hidden') again = await tick().catch(() => true);
        if (again !== false && !controller.signal.aborted) timer = window.setTimeout(run, ms);
      };
      void run();
    },
    setQuery(values) {
      const search = new URLSearchParams();
      for (const [k, v] of Object.entries(values)) if (v) search.set(k, v);
      const path = location.hash.replace(/\?.*$/, '') || '#/';
      const q = search.toString();
      history.replaceState(
        null,
        '',
        `${location.pathname}${location.search}${path}${q ? `?${q}` : ''}`,
      );
    },
    refreshSession() {
      replace(
        document.getElementById('session-who') as HTMLElement,
        ...sessionBadge(viewSession.principal).childNodes,
      );
    },
  };
  try {
    await view(ctx);
  } catch (err) {
    if (isAbort(err) || controller.signal.aborted) return;
    if (err instanceof ApiError && err.status === 401) return;
    replace(main, errorNotice(err));
  }
}

/** Checks the stored token with whoami, then shows the page the address names. */
async function start(): Promise<void> {
  if (!tokenStore.get()) return showSignIn();
  let principal: Principal;
  try {
    principal = await api<Principal>('GET', '/auth/whoami');
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return; // the sign-in card is up
    replace(
      app,
      h(
        'main',
        { class: 'signin-page' },
        h(
          'div',
          { class: 'card signin' },
          h('h1', null, 'Krishiv Coordinator'),
          errorNotice(err),
          h(
            'div',
            { class: 'toolbar' },
            h(
              'button',
              { type: 'button', class: 'button primary', on: { click: () => void start() } },
              'Try again',
            ),
          ),
        ),
      ),
    );
    return;
  }
  session = new Session(principal);
  renderShell(principal);
  await navigate();
}

onUnauthorized((message) =>
  showSignIn(
    message ? `The coordinator refused the token: ${message}. Paste a valid one.` : undefined,
  ),
);
window.addEventListener('hashchange', () => {
  if (takeTokenFromFragment() || !session) void start();
  else void navigate();
});
window.addEventListener('storage', (event) => {
  // Signed out (or in with another token) in another tab.
  if (event.key === 'krishiv.token') void start();
});
takeTokenFromFragment();
void start();
