import { InvalidArgumentError } from '../errors/coordinator.error';
import { SingleValueQueryPipe } from './single-value-query.pipe';

describe('SingleValueQueryPipe', () => {
  const pipe = new SingleValueQueryPipe();

  it('passes single values, whole query objects of them, and non-query arguments', () => {
    expect(pipe.transform('5', { type: 'query', data: 'pageSize' })).toBe('5');
    expect(pipe.transform({ state: 'running' }, { type: 'query' })).toEqual({ state: 'running' });
    expect(pipe.transform(['a', 'b'], { type: 'body' })).toEqual(['a', 'b']);
  });

  it('refuses a repeated parameter, named, whether bound alone or as part of the query', () => {
    expect(() => pipe.transform(['0', '1'], { type: 'query', data: 'offset' })).toThrow(
      new InvalidArgumentError('query parameter "offset" is given more than once; send it once'),
    );
    expect(() =>
      pipe.transform({ state: 'running', submittedBy: ['a', 'b'] }, { type: 'query' }),
    ).toThrow(/"submittedBy" is given more than once/);
  });
});
