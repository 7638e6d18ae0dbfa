import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Controller, Get, Headers, Logger, OnModuleInit, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/public.decorator';
import { NotFoundError } from '../common/errors/coordinator.error';

/** Where `scripts/build-ui.mjs` puts the bundle: beside this file in dist/, never the sources. */
export const UI_ROOT = join(__dirname, 'public');

/**
 * Sent with every /ui response, errors included. The pages load only their own script and
 * stylesheet and talk only to this origin, so nothing inline is ever needed.
 */
export const UI_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** One flat folder: a plain file name, never a path. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)+$/;
const RETRY_MS = 1000;

interface UiFile {
  body: Buffer;
  type: string;
  etag: string;
}

/**
 * Serves the web UI. Public (README, Permissions): the files hold no data and no token; every call the
 * pages make goes to /api/v1 with the token the user typed, through the usual guard chain.
 *
 * The files are read once, at start, like the server's own code: a rebuild of dist/ under a
 * running coordinator never serves half a UI or one that does not match the API. A coordinator
 * started before the UI was built looks again (at most once a second) until it finds it.
 */
@ApiExcludeController()
@Public()
@Controller('ui')
export class UiController implements OnModuleInit {
  private readonly logger = new Logger('WebUi');
  private files = new Map<string, UiFile>();
  private lastAttempt = 0;

  public async onModuleInit(): Promise<void> {
    await this.load();
    if (!this.files.size) {
      this.logger.warn(`the web UI is not built (nothing in ${UI_ROOT}); run npm run build`);
    }
  }

  @Get()
  public index(
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.send('index.html', ifNoneMatch, reply);
  }

  @Get('*')
  public file(
    @Param('*') name: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.send(name || 'index.html', ifNoneMatch, reply);
  }

  /** Takes the folder only when it holds a whole build (the build swaps it in at once). */
  private async load(): Promise<void> {
    this.lastAttempt = Date.now();
    const names = await readdir(UI_ROOT).catch(() => [] as string[]);
    const files = new Map<string, UiFile>();
    for (const name of names) {
      const type = CONTENT_TYPES[extname(name)];
      if (!FILE_NAME.test(name) || !type) continue;
      const body = await readFile(join(UI_ROOT, name)).catch(() => undefined);
      if (!body) return;
      const digest = createHash('sha256').update(body).digest('base64url');
      files.set(name, { body, type, etag: `"${digest.slice(0, 22)}"` });
    }
    if (files.has('index.html') && files.has('app.js')) this.files = files;
  }

  private async send(
    name: string,
    ifNoneMatch: string | undefined,
    reply: FastifyReply,
  ): Promise<void> {
    reply.headers(UI_SECURITY_HEADERS);
    if (!this.files.size && Date.now() - this.lastAttempt >= RETRY_MS) await this.load();
    if (!this.files.size) throw new NotFoundError('the web UI is not built; run npm run build');
    const file = FILE_NAME.test(name) ? this.files.get(name) : undefined;
    if (!file) throw new NotFoundError(`no UI file ${name.slice(0, 64)}`);
    // Names are not content-hashed, so the browser revalidates every time (a cheap 304).
    reply.header('Cache-Control', 'no-cache').header('ETag', file.etag);
    if (ifNoneMatch === file.etag) {
      await reply.code(304).send();
      return;
    }
    await reply.code(200).header('Content-Type', file.type).send(file.body);
  }
}
