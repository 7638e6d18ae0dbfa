import { randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { AppConfigService } from '../config/app-config.service';
import { DEV_TOKEN_FILE } from '../config/client-env';

/**
 * Outside production with no credentials configured, the coordinator makes up a service token
 * rather than running open: nothing is ever anonymous by accident. The CLI on the same machine
 * reads the file.
 */
@Injectable()
export class DevTokenWriter {
  private token: string | undefined;

  constructor(private readonly config: AppConfigService) {}

  public get path(): string {
    return join(this.config.get('dataDir'), DEV_TOKEN_FILE);
  }

  public async write(): Promise<string> {
    if (this.token) return this.token;
    const token = randomBytes(32).toString('base64url');
    await mkdir(this.config.get('dataDir'), { recursive: true, mode: 0o700 });
    await writeFile(this.path, `${token}\n`, { mode: 0o600 });
    await chmod(this.path, 0o600);
    this.token = token;
    return token;
  }
}
