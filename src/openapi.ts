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
  addWriteResponses(document, config);
  if (config.apiDocs) {
    SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
  }
  return document;
}

const ERROR_BODY = { $ref: '#/components/schemas/ErrorBodyDto' };

/**
 * Two answers every writing operation may give, added here rather than on each handler: 413 for
 * a body over the one body limit, and 507 when the data directory is full (nothing is written).
 */
function addWriteResponses(document: OpenAPIObject, config: AppConfig): void {
  for (const item of Object.values(document.paths)) {
    for (const method of ['post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation) continue;
      if (operation.requestBody) {
        operation.responses['413'] ??= {
          description: `The body is over ${config.limits.httpBodyBytes} bytes (KRISHIV_HTTP_BODY_LIMIT_BYTES); nothing was read or done`,
          content: { 'application/json': { schema: ERROR_BODY } },
        };
      }
      operation.responses['507'] ??= {
        description:
          'The data directory is out of space; nothing was written. Free space and retry',
        content: { 'application/json': { schema: ERROR_BODY } },
      };
    }
  }
}
