import { Module } from '@nestjs/common';
import { UiController } from './ui.controller';

/** The web UI: static files built from web/ into dist/ui/public, served without a token. */
@Module({ controllers: [UiController] })
export class UiModule {}
