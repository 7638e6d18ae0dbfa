import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_KEY = 'krishiv:isPublic';

/** The only opt-out from authentication: health, metrics, documentation and the UI's files. */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);
