import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AppConfig } from './config/app-config';

/** The OpenAPI document, with the bearer scheme and each operation's `x-required-role`. */
export function buildOpenApiDocument(app: INestApplication, config: AppConfig): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Krishiv Coordinator')
    .setDescription(
      'Control plane of the Krishiv data engine. Every operation except health, metrics and this ' +
        'document needs `Authorization: Bearer <token>`: an OIDC access token, a service token or the UI token. ' +
        'Each operation names its minimum role in `x-required-role`.',
    )
    .setVersion('v1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT or static token' });
  const document = SwaggerModule.createDocument(app, builder.build());
  if (config.apiDocs) {
    SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
  }
  return document;
}
