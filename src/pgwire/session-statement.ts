/**
 * Session statements drivers and BI tools send on their own (`SET extra_float_digits = 3`,
 * `SHOW TRANSACTION ISOLATION LEVEL`, `BEGIN`). They change or read the wire session only and
 * never reach the engine, whose settings stay locked; anything not recognised here goes to the
 * engine and its statement classifier as usual.
 */
export type SessionStatement =
  | { kind: 'set'; name: string; value: string | null; local: boolean }
  | { kind: 'reset'; name: string | null }
  | { kind: 'show'; name: string }
  | { kind: 'transaction'; command: 'BEGIN' | 'COMMIT' | 'ROLLBACK'; readOnly: boolean }
  | { kind: 'discard' }
  | { kind: 'noop'; tag: string };

/** Words, numbers, quoted identifiers and literals, and single punctuation, outside comments. */
function tokenize(sql: string): string[] | undefined {
  const tokens: string[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end === -1) return undefined;
      i = end + 2;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      let text = '';
      for (;;) {
        if (j >= sql.length) return undefined;
        if (sql[j] === c) {
          if (sql[j + 1] === c) {
            text += c;
            j += 2;
            continue;
          }
          break;
        }
        text += sql[j++];
      }
      tokens.push(c === "'" ? `'${text}` : text.toLowerCase() === text ? text : `"${text}`);
      i = j + 1;
    } else if (/[A-Za-z0-9_.+-]/.test(c)) {
      let j = i;
      while (j < sql.length && /[A-Za-z0-9_.$+-]/.test(sql[j])) j++;
      tokens.push(sql.slice(i, j));
      i = j;
    } else {
      tokens.push(c);
      i++;
    }
  }
  while (tokens[tokens.length - 1] === ';') tokens.pop();
  return tokens;
}

const word = (token: string | undefined) => (token ?? '').toLowerCase();

/** The value of `SET name TO value[, value…]` as PostgreSQL would store it. */
function valueOf(tokens: string[]): string | null {
  if (tokens.length === 0) return null;
  if (tokens.length === 1 && word(tokens[0]) === 'default') return null;
  return tokens
    .filter((t) => t !== ',')
    .map((t) => (t.startsWith("'") ? t.slice(1) : t))
    .join(', ');
}

export function parseSessionStatement(sql: string): SessionStatement | undefined {
  const tokens = tokenize(sql);
  if (!tokens || tokens.length === 0 || tokens.includes(';')) return undefined;
  const [first, second] = [word(tokens[0]), word(tokens[1])];
  switch (first) {
    case 'set': {
      let rest = tokens.slice(1);
      let local = false;
      if (['session', 'local'].includes(word(rest[0]))) {
        local = word(rest[0]) === 'local';
        rest = rest.slice(1);
      }
      if (word(rest[0]) === 'transaction' || word(rest[0]) === 'characteristics') {
        return { kind: 'noop', tag: 'SET' };
      }
      if (word(rest[0]) === 'time' && word(rest[1]) === 'zone') {
        return { kind: 'set', name: 'timezone', value: valueOf(rest.slice(2)), local };
      }
      if (word(rest[0]) === 'names') {
        return { kind: 'set', name: 'client_encoding', value: valueOf(rest.slice(1)), local };
      }
      const separator = word(rest[1]);
      if (rest.length < 2 || (separator !== '=' && separator !== 'to')) return undefined;
      return { kind: 'set', name: word(rest[0]), value: valueOf(rest.slice(2)), local };
    }
    case 'reset':
      if (tokens.length !== 2) return undefined;
      return { kind: 'reset', name: second === 'all' ? null : second };
    case 'show': {
      const name = tokens.slice(1).map(word).join(' ');
      if (name === 'transaction isolation level')
        return { kind: 'show', name: 'transaction_isolation' };
      if (name === 'time zone') return { kind: 'show', name: 'timezone' };
      if (tokens.length !== 2) return undefined;
      return { kind: 'show', name: second };
    }
    case 'begin':
    case 'start': {
      if (first === 'start' && second !== 'transaction') return undefined;
      const words = tokens.map(word);
      const readOnly = words.includes('read') && words[words.indexOf('read') + 1] === 'only';
      return { kind: 'transaction', command: 'BEGIN', readOnly };
    }
    case 'commit':
    case 'end':
      return tokens.length <= 2
        ? { kind: 'transaction', command: 'COMMIT', readOnly: false }
        : undefined;
    case 'rollback':
    case 'abort':
      return tokens.length <= 2
        ? { kind: 'transaction', command: 'ROLLBACK', readOnly: false }
        : undefined;
    case 'discard':
      return second === 'all' && tokens.length === 2 ? { kind: 'discard' } : undefined;
    default:
      return undefined;
  }
}
