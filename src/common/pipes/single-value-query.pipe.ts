import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { InvalidArgumentError } from '../errors/coordinator.error';

/**
 * Query parameters are single values. Fastify turns a repeated name (`?state=a&state=b`) into an
 * array, which no handler expects and which would otherwise reach the services and the store as
 * something other than a string; refuse it with a 400 that names the parameter.
 */
@Injectable()
export class SingleValueQueryPipe implements PipeTransform {
  public transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'query') return value;
    if (Array.isArray(value)) throw repeated(metadata.data ?? 'a query parameter');
    if (value && typeof value === 'object' && metadata.data === undefined) {
      for (const [name, item] of Object.entries(value)) {
        if (Array.isArray(item)) throw repeated(name);
      }
    }
    return value;
  }
}

const repeated = (name: string) =>
  new InvalidArgumentError(
    `query parameter "${name.slice(0, 64)}" is given more than once; send it once`,
  );
