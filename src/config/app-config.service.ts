import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AppConfig } from './app-config';

export const CONFIG_NAMESPACE = 'krishiv';

/** Typed access to the validated configuration; nothing else reads the environment. */
@Injectable()
export class AppConfigService {
  public readonly values: AppConfig;

  constructor(configService: ConfigService) {
    this.values = configService.getOrThrow<AppConfig>(CONFIG_NAMESPACE);
  }

  public get<K extends keyof AppConfig>(key: K): AppConfig[K] {
    return this.values[key];
  }
}
