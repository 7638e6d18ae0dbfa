import { join } from 'node:path';
import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfigService } from '../config/app-config.service';
import { MetadataStore } from './metadata.store';
import { SqliteMetadataStore } from './sqlite-metadata.store';

@Global()
@Module({
  providers: [
    {
      provide: MetadataStore,
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) =>
        SqliteMetadataStore.open(join(config.get('dataDir'), 'metadata.sqlite')),
    },
  ],
  exports: [MetadataStore],
})
export class MetadataModule implements OnApplicationShutdown {
  constructor(@Inject(MetadataStore) private readonly store: MetadataStore) {}

  public async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
