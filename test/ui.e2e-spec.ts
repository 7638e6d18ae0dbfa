import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { Coordinator, REPO_ROOT, startCoordinator } from './support/coordinator';
import { RestApi } from './support/jobs';
import { expectNoSecretsIn } from './support/secrets';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join(REPO_ROOT, 'test-output', 'screenshots');
const ENDLESS_SQL = 'SELECT count(*) FROM range(1000000000000)';
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
const TOKEN_KEY = 'krishiv.token';

/** Lets a test run while the browser is busy; the UI polls every one to three seconds. */
const UI_TIMEOUT = 20_000;

describe('web UI at /ui (headless Chromium)', () => {
  const adminToken = randomBytes(32).toString('base64url');
  const readerToken = randomBytes(32).toString('base64url');
  let coordinator: Coordinator;
  let browser: Browser;
  let admin: RestApi;
  const contexts: BrowserContext[] = [];
  /** Console errors, page errors, CSP violations and requests without a bearer token. */
  const problems: string[] = [];
  /** Console errors a test provokes on purpose (a refused token, a refused cancel). */
  const expectedErrors: RegExp[] = [];

  beforeAll(async () => {
    rmSync(SCREENSHOTS, { recursive: true, force: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
    coordinator = await startCoordinator({
      env: {
        KRISHIV_COORDINATOR_BEARER_TOKEN: adminToken,
        KRISHIV_UI_TOKEN: readerToken,
        KRISHIV_EXECUTOR_SLOTS: '4',
      },
    });
    admin = new RestApi(coordinator.httpUrl, adminToken);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    if (coordinator) {
      expectNoSecretsIn(coordinator.logs(), [adminToken, readerToken]);
      await coordinator.stop();
    }
  });

  /** A fresh browser profile (empty localStorage) with every kind of page problem recorded. */
  async function newPage(): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 820 },
      acceptDownloads: true,
    });
    contexts.push(context);
    await context.exposeBinding('reportCspViolation', (_source, text: string) => {
      problems.push(`CSP violation: ${text}`);
    });
    await context.addInitScript({
      content:
        "document.addEventListener('securitypolicyviolation', (e) => " +
        "window.reportCspViolation(e.violatedDirective + ' ' + e.blockedURI));",
    });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const text = message.text();
      if (!expectedErrors.some((re) => re.test(text))) problems.push(`console: ${text}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (!request.url().startsWith(`${coordinator.httpUrl}/api/v1/`)) return;
      const authorization = request.headers()['authorization'] ?? '';
      if (!/^Bearer \S+$/.test(authorization)) {
        problems.push(`request without a bearer token: ${request.method()} ${request.url()}`);
      }
    });
    return page;
  }

  const ui = (fragment = '') => `${coordinator.httpUrl}/ui/${fragment}`;

  async function signIn(page: Page, token: string, fragment = '#/whoami'): Promise<void> {
    await page.goto(ui(fragment));
    await page.locator('#token-input').fill(token);
    await page.locator('#token-submit').click();
    await page.locator('#session-who').waitFor({ timeout: UI_TIMEOUT });
  }

  async function open(page: Page, fragment: string): Promise<void> {
    await page.evaluate((hash) => ((globalThis as any).location.hash = hash), fragment);
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });

  const text = (page: Page, selector: string) => page.locator(selector).innerText();

  const storedToken = (page: Page) =>
    page.evaluate(
      (key) => (globalThis as any).localStorage.getItem(key) as string | null,
      TOKEN_KEY,
    );

  describe('static files', () => {
    it('serves index.html at /ui and /ui/ with the security headers, without a token', async () => {
      for (const path of ['/ui', '/ui/', '/ui/index.html', '/ui/app.js', '/ui/styles.css']) {
        const response = await fetch(coordinator.httpUrl + path);
        expect({ path, status: response.status }).toEqual({ path, status: 200 });
        expect(response.headers.get('content-security-policy')).toBe(CSP);
        expect(response.headers.get('x-frame-options')).toBe('DENY');
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(response.headers.get('referrer-policy')).toBe('no-referrer');
        const body = await response.text();
        // The server never writes a token into what it serves.
        expect(body.includes(adminToken) || body.includes(readerToken)).toBe(false);
        if (path.endsWith('.js')) {
          expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
        } else if (path.endsWith('.css')) {
          expect(response.headers.get('content-type')).toMatch(/^text\/css/);
        } else {
          expect(response.headers.get('content-type')).toMatch(/^text\/html/);
          expect(body).toContain('<script src="/ui/app.js" defer></script>');
          // Nothing inline: no script without src, no <style>, no style attribute.
          expect(body).not.toMatch(/<script(?![^>]*\ssrc=)/);
          expect(body).not.toMatch(/<style|\sstyle=/);
        }
      }
    });

    it('answers 304 to a matching ETag', async () => {
      const first = await fetch(`${coordinator.httpUrl}/ui/app.js`);
      const etag = first.headers.get('etag');
      expect(etag).toBeTruthy();
      const again = await fetch(`${coordinator.httpUrl}/ui/app.js`, {
        headers: { 'if-none-match': etag as string },
      });
      expect(again.status).toBe(304);
    });

    it('serves only the built files: 404 with the same headers for anything else', async () => {
      for (const path of [
        '/ui/nope.js',
        '/ui/ui.controller.js',
        '/ui/ui.module.js',
        '/ui/%2e%2e%2fui.controller.js',
        '/ui/..%2f..%2fpackage.json',
        '/ui/public/app.js',
      ]) {
        const response = await fetch(coordinator.httpUrl + path);
        expect({ path, status: response.status }).toEqual({ path, status: 404 });
        expect(response.headers.get('content-security-policy')).toBe(CSP);
      }
    });

    it('keeps the UI out of the OpenAPI document', async () => {
      const document: any = await (await fetch(`${coordinator.httpUrl}/api/openapi.json`)).json();
      expect(Object.keys(document.paths).filter((p) => p.startsWith('/ui'))).toEqual([]);
    });
  });

  describe('signing in', () => {
    let page: Page;

    beforeAll(async () => {
      page = await newPage();
    });

    it('asks for a bearer token on first load', async () => {
      await page.goto(ui());
      await page.locator('#token-form').waitFor({ timeout: UI_TIMEOUT });
      expect(await page.locator('#token-input').getAttribute('type')).toBe('password');
      expect(await page.locator('.nav').count()).toBe(0);
      await shot(page, '01-sign-in.png');
    });

    it('shows who am I once the token is entered, sending it as a bearer token', async () => {
      const whoami = page.waitForRequest((r) => r.url().endsWith('/api/v1/auth/whoami'));
      await page.locator('#token-input').fill(adminToken);
      await page.locator('#token-submit').click();
      expect((await whoami).headers()['authorization']).toBe(`Bearer ${adminToken}`);
      await page.locator('#whoami-subject').waitFor({ timeout: UI_TIMEOUT });
      expect(await text(page, '#whoami-subject')).toBe('service');
      expect(await text(page, '#whoami-role')).toContain('admin');
      expect(await text(page, '#whoami-method')).toContain('service-token');
      expect(await text(page, '#whoami-expiry')).toContain('does not expire');
      await page.locator('#permissions tbody tr').nth(14).waitFor({ timeout: UI_TIMEOUT });
      expect(await page.locator('#permissions tbody tr').count()).toBe(15);
      expect(await storedToken(page)).toBe(adminToken);
      // Kept in localStorage only; never written into the document.
      expect(await page.content()).not.toContain(adminToken);
      await shot(page, '02-whoami-admin.png');
    });

    it('keeps the token across a reload', async () => {
      await page.reload();
      await page.locator('#whoami-subject').waitFor({ timeout: UI_TIMEOUT });
      expect(await page.locator('#token-form').count()).toBe(0);
      expect(await text(page, '#whoami-subject')).toBe('service');
    });

    it('asks again when the coordinator answers 401, and signs in again', async () => {
      expectedErrors.push(/status of 401/);
      await page.evaluate(
        ([key, value]) => (globalThis as any).localStorage.setItem(key, value),
        [TOKEN_KEY, 'not-a-valid-token-not-a-valid-token'],
      );
      await page.reload();
      await page.locator('#token-form').waitFor({ timeout: UI_TIMEOUT });
      await page.locator('#token-message').waitFor({ timeout: UI_TIMEOUT });
      expect(await text(page, '#token-message')).toContain('refused the token');
      expect(await storedToken(page)).toBeNull();
      await shot(page, '03-token-refused.png');

      await page.locator('#token-input').fill(adminToken);
      await page.locator('#token-submit').click();
      await page.locator('#whoami-subject').waitFor({ timeout: UI_TIMEOUT });
      expect(await text(page, '#whoami-subject')).toBe('service');
    });

    it('signs out', async () => {
      await page.locator('#sign-out').click();
      await page.locator('#token-form').waitFor({ timeout: UI_TIMEOUT });
      expect(await storedToken(page)).toBeNull();
    });

    it('takes a #token= fragment and removes it from the address bar', async () => {
      const reader = await newPage();
      await reader.goto(ui(`#token=${encodeURIComponent(readerToken)}`));
      await reader.locator('#whoami-subject').waitFor({ timeout: UI_TIMEOUT });
      expect(await text(reader, '#whoami-subject')).toBe('ui');
      expect(await text(reader, '#whoami-role')).toContain('reader');
      expect(await text(reader, '#whoami-method')).toContain('ui-token');
      expect(reader.url()).toBe(ui());
      expect(reader.url()).not.toContain(readerToken);
      expect(await reader.evaluate(() => (globalThis as any).location.hash)).toBe('');
      expect(await storedToken(reader)).toBe(readerToken);
      await reader.locator('#permissions tbody tr').nth(14).waitFor({ timeout: UI_TIMEOUT });
      await shot(reader, '04-whoami-reader.png');
    });
  });

  describe('pages', () => {
    let adminPage: Page;
    let readerPage: Page;

    beforeAll(async () => {
      adminPage = await newPage();
      await signIn(adminPage, adminToken);
      readerPage = await newPage();
      await signIn(readerPage, readerToken);
    });

    it('runs SQL: rows, row count, elapsed time, truncation notice', async () => {
      await open(adminPage, '#/sql');
      await adminPage
        .locator('#sql-input')
        .fill("SELECT range AS n, 'row, ' || range AS label, NULL AS nothing FROM range(25)");
      await adminPage.locator('#max-rows').fill('10');
      await adminPage.locator('#run-query').click();
      await adminPage.locator('#row-count').waitFor({ timeout: UI_TIMEOUT });
      expect(await text(adminPage, '#row-count')).toBe('10 rows');
      expect(await text(adminPage, '#elapsed')).toMatch(/^\d+(\.\d+)? (ms|s) elapsed$/);
      expect(await text(adminPage, '#truncated')).toContain('Truncated');
      expect(await adminPage.locator('.grid tbody tr').count()).toBe(10);
      expect(await adminPage.locator('.grid thead th').allInnerTexts()).toEqual([
        '#',
        'n\nBIGINT',
        'label\nVARCHAR',
        'nothing\nINTEGER',
      ]);
      await shot(adminPage, '05-sql.png');
    });

    it('downloads the rows on screen as CSV', async () => {
      const [download] = await Promise.all([
        adminPage.waitForEvent('download'),
        adminPage.locator('#csv-download').click(),
      ]);
      expect(download.suggestedFilename()).toBe('query-result.csv');
      const csv = readFileSync(await download.path(), 'utf8');
      const lines = csv.split('\r\n');
      expect(lines[0]).toBe('n,label,nothing');
      expect(lines[1]).toBe('0,"row, 0",');
      expect(lines[10]).toBe('9,"row, 9",');
      expect(lines.length).toBe(12); // header, 10 rows, and the final line break
    });

    it('shows the engine error of a bad statement', async () => {
      expectedErrors.push(/status of 400/);
      await adminPage.locator('#sql-input').fill('SELEC 1');
      await adminPage.locator('#run-query').click();
      await adminPage.locator('#sql-output .notice-error').waitFor({ timeout: UI_TIMEOUT });
      expect(await text(adminPage, '#sql-output .notice-error')).toContain('syntax error');
    });

    describe('jobs', () => {
      let endless: any;
      let quick: any;

      beforeAll(async () => {
        quick = await admin.accepted({
          sql: 'SELECT range AS n FROM range(250)',
          name: 'two-fifty',
        });
        endless = await admin.accepted({ sql: ENDLESS_SQL, name: 'endless' });
        await admin.waitForJob(quick.id, (j) => j.state === 'succeeded');
        await admin.waitForJob(endless.id, (j) => j.state === 'running');
      });

      it('lists jobs with their live state and filters them', async () => {
        await open(adminPage, '#/jobs');
        const rows = adminPage.locator('#jobs-table tbody tr');
        await adminPage
          .locator('#jobs-table', { hasText: 'endless' })
          .waitFor({ timeout: UI_TIMEOUT });
        expect(await rows.count()).toBe(2);

        await adminPage.locator('#filter-state').selectOption('running');
        await adminPage
          .locator('#jobs-table tbody tr', { hasText: 'two-fifty' })
          .waitFor({ state: 'detached', timeout: UI_TIMEOUT });
        expect(await rows.count()).toBe(1);
        expect(await rows.first().innerText()).toContain('endless');
        expect(adminPage.url()).toContain('#/jobs?state=running');

        await adminPage.locator('#filter-state').selectOption('');
        // Polling: a job submitted now shows up without a reload.
        const late = await admin.accepted({ sql: 'SELECT 1 AS one', name: 'late-arrival' });
        await admin.waitForJob(late.id, (j) => j.state === 'succeeded');
        await adminPage
          .locator('#jobs-table tbody tr', { hasText: 'late-arrival' })
          .filter({ hasText: 'succeeded' })
          .waitFor({ timeout: UI_TIMEOUT });
        await shot(adminPage, '06-jobs.png');
      });

      it('pages through the result of a succeeded job', async () => {
        await open(adminPage, `#/jobs/${quick.id}`);
        await adminPage.locator('#result-range').waitFor({ timeout: UI_TIMEOUT });
        expect(await text(adminPage, '#result-range')).toBe('Rows 1–100 of 250');
        expect(await adminPage.locator('#job-result .grid tbody tr').count()).toBe(100);
        await shot(adminPage, '07-job-result.png');
        await adminPage.locator('#job-result button', { hasText: 'Next' }).click();
        await adminPage
          .locator('#result-range', { hasText: 'Rows 101–200 of 250' })
          .waitFor({ timeout: UI_TIMEOUT });
        expect(await adminPage.locator('#job-result .grid tbody tr').first().innerText()).toMatch(
          /^101\s+100$/,
        );
        // Nothing to cancel on a finished job, even for an admin.
        expect(await adminPage.locator('#cancel-job').count()).toBe(0);
      });

      it('shows a reader no cancel button, and the server refuses the reader a cancel', async () => {
        await open(readerPage, `#/jobs/${endless.id}`);
        await readerPage
          .locator('#job-state', { hasText: 'running' })
          .waitFor({ timeout: UI_TIMEOUT });
        expect(await readerPage.locator('#cancel-job').count()).toBe(0);
        expect(await readerPage.locator('#job-actions button').count()).toBe(0);
        await shot(readerPage, '08-job-running-reader.png');

        expectedErrors.push(/status of 403/);
        const answer = await readerPage.evaluate(
          async ([id, token]) => {
            const response = await fetch(`/api/v1/jobs/${id}/cancel`, {
              method: 'POST',
              headers: { Authorization: `Bearer ${token}` },
            });
            return {
              status: response.status,
              body: (await response.json()) as { message: string },
            };
          },
          [endless.id as string, readerToken],
        );
        expect(answer.status).toBe(403);
        expect(answer.body.message).toContain('needs role admin');
        expect((await admin.current(endless.id)).state).toBe('running');
      });

      it('lets an admin cancel a running job', async () => {
        await open(adminPage, `#/jobs/${endless.id}`);
        await adminPage
          .locator('#job-state', { hasText: 'running' })
          .waitFor({ timeout: UI_TIMEOUT });
        const cancel = adminPage.locator('#cancel-job');
        await shot(adminPage, '09-job-running-admin.png');
        await cancel.click();
        expect(await cancel.innerText()).toBe('Click again to cancel');
        await cancel.click();
        await adminPage
          .locator('#job-state', { hasText: 'cancelled' })
          .waitFor({ timeout: UI_TIMEOUT });
        expect(await adminPage.locator('#cancel-job').count()).toBe(0);
        expect((await admin.current(endless.id)).state).toBe('cancelled');
        await shot(adminPage, '10-job-cancelled-admin.png');
        // The reader's page follows the state by polling.
        await readerPage
          .locator('#job-state', { hasText: 'cancelled' })
          .waitFor({ timeout: UI_TIMEOUT });
      });
    });

    describe('streams and streaming jobs', () => {
      let streaming: any;

      beforeAll(async () => {
        const created = await admin.call('POST', '/api/v1/streams', {
          body: {
            name: 'clicks',
            columns: [
              { name: 'ts', type: 'TIMESTAMP' },
              { name: 'page', type: 'VARCHAR' },
              { name: 'amount', type: 'DECIMAL(12,2)' },
            ],
          },
        });
        expect(created.status).toBe(201);
        const appended = await admin.call('POST', '/api/v1/streams/clicks/records', {
          body: [
            { ts: '2026-11-28T10:00:00Z', page: '/home', amount: '12.50' },
            { ts: '2026-11-28T10:00:05Z', page: '/cart' },
            { ts: '2026-11-28T10:01:00Z', page: '/home', amount: '3.99' },
          ],
        });
        expect(appended.status).toBe(200);
        streaming = await admin.accepted({
          kind: 'streaming',
          name: 'views-per-page',
          sink: 'per_page',
          sql: 'SELECT page, count(*) AS views FROM clicks GROUP BY page',
        });
        await admin.waitForJob(streaming.id, (j) => j.state === 'running' && j.offset === 3);
      });

      it('lists streams with their record count', async () => {
        await open(readerPage, '#/streams');
        const row = readerPage.locator('#streams-table tbody tr', { hasText: 'clicks' });
        await row.waitFor({ timeout: UI_TIMEOUT });
        expect(await row.innerText()).toMatch(/clicks\s+ts, page, amount\s+3\s+3\s+service/);
        await shot(readerPage, '11-streams.png');
      });

      it('shows the schema and record count of a stream', async () => {
        await readerPage.locator('#streams-table a', { hasText: 'clicks' }).click();
        await readerPage.locator('#stream-schema').waitFor({ timeout: UI_TIMEOUT });
        expect(await text(readerPage, '#stream-record-count')).toBe('3');
        const schema = await readerPage.locator('#stream-schema tbody tr').allInnerTexts();
        expect(schema.slice(0, 3).map((r) => r.split('\t').slice(1).join(' '))).toEqual([
          'ts TIMESTAMP',
          'page VARCHAR',
          'amount DECIMAL(12,2)',
        ]);
        await shot(readerPage, '12-stream-detail.png');
      });

      it('takes a savepoint of a streaming job from its page (admin only)', async () => {
        await open(readerPage, `#/jobs/${streaming.id}`);
        await readerPage.locator('#savepoints-table').waitFor({ timeout: UI_TIMEOUT });
        expect(await readerPage.locator('#job-actions button').count()).toBe(0);

        await open(adminPage, `#/jobs/${streaming.id}`);
        await adminPage.locator('#savepoints-table').waitFor({ timeout: UI_TIMEOUT });
        await adminPage.locator('#take-savepoint').click();
        await adminPage
          .locator('#savepoints-table tbody tr', { hasText: 'completed' })
          .waitFor({ timeout: UI_TIMEOUT });
        expect(await text(adminPage, '#savepoints-table tbody')).toContain('clicks@3');
        await adminPage
          .locator('#job-messages', { hasText: 'completed' })
          .waitFor({ timeout: UI_TIMEOUT });
        expect(
          await adminPage.locator('#savepoints-table button', { hasText: 'Restore' }).count(),
        ).toBe(1);
        await shot(adminPage, '13-job-streaming-savepoints.png');
        // The reader's page picks the savepoint up, without the admin's buttons.
        await readerPage
          .locator('#savepoints-table tbody tr', { hasText: 'completed' })
          .waitFor({ timeout: UI_TIMEOUT });
        expect(await readerPage.locator('#savepoints-table button').count()).toBe(0);
      });
    });

    describe('executors', () => {
      it('shows drain, resume and remove to an admin, and they work', async () => {
        await open(adminPage, '#/executors');
        const drain = adminPage.locator('#executors-table button.drain');
        await drain.first().waitFor({ timeout: UI_TIMEOUT });
        expect(await drain.count()).toBe(1);
        expect(await adminPage.locator('#executors-table button.remove').count()).toBe(1);
        expect(await text(adminPage, '#executors-table tbody')).toMatch(/executor-1\s+active/);
        await shot(adminPage, '14-executors-admin.png');

        await drain.click();
        const resume = adminPage.locator('#executors-table button.resume');
        await resume.waitFor({ timeout: UI_TIMEOUT });
        expect(await text(adminPage, '#executors-table tbody')).toMatch(
          /executor-1\s+drain(ing|ed)/,
        );
        await resume.click();
        await drain.waitFor({ timeout: UI_TIMEOUT });
        expect((await admin.executor('executor-1')).body.state).toBe('active');
      });

      it('shows a reader the executors without any action', async () => {
        await open(readerPage, '#/executors');
        await readerPage
          .locator('#executors-table tbody tr')
          .first()
          .waitFor({ timeout: UI_TIMEOUT });
        expect(await text(readerPage, '#executors-table tbody')).toContain('executor-1');
        expect(await readerPage.locator('#executors-table button').count()).toBe(0);
        expect(await readerPage.locator('#executors-table thead').innerText()).not.toContain(
          'Actions',
        );
        await shot(readerPage, '15-executors-reader.png');
      });
    });
  });

  describe('start-up without credentials', () => {
    it('points at the UI and the dev-token file, never printing the token', async () => {
      const bare = await startCoordinator();
      try {
        const token = bare.devToken();
        expect(bare.logs()).toContain(
          `open ${bare.httpUrl}/ui/ and paste the token from ${join(bare.dataDir, 'dev-token')}`,
        );
        expectNoSecretsIn(bare.logs(), [token]);
        const page = await (await fetch(`${bare.httpUrl}/ui/`)).text();
        expect(page).not.toContain(token);
      } finally {
        await bare.stop();
      }
    });
  });

  it('saw no console error, page error, CSP violation or request without a token', () => {
    expect(problems).toEqual([]);
  });
});
