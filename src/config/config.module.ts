import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AppConfig } from './app-config';
import { AppConfigService, CONFIG_NAMESPACE } from './app-config.service';

/**
 * The environment is validated before Nest starts (see `loadConfig`), so a bad value exits with
 * code 2 before any port opens; this module only makes the result injectable.
 */
@Global()
@Module({})
export class KrishivConfigModule {
  public static forRoot(config: AppConfig): DynamicModule {
    return {
      module: KrishivConfigModule,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          load: [() => ({ [CONFIG_NAMESPACE]: config })],
        }),
      ],
      providers: [AppConfigService],
      exports: [AppConfigService],
    };
  }
}
