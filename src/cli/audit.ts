import { Command, Option } from 'commander';
import type {
  AuditEvent,
  AuditEventPage,
  ListAuditEventsOptions,
  Session,
} from '../client/session';
import { callAndPrint, examples, positiveInt } from './common';
import { AUDIT_FIELDS, formatList } from './output';

interface ListOptions extends ListAuditEventsOptions {
  all?: boolean;
}

async function listEvents(session: Session, options: ListOptions): Promise<AuditEventPage> {
  const { all, ...request } = options;
  if (!all) return session.listAuditEvents(request);
  const events: AuditEvent[] = [];
  let pageToken = request.pageToken;
  do {
    const page = await session.listAuditEvents({ ...request, pageToken });
    events.push(...page.events);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return { events };
}

export function auditCommand(): Command {
  const audit = new Command('audit').description(
    'the audit trail: management actions and refused requests (admin)',
  );

  audit
    .command('list')
    .description('list audit events, newest first, one page at a time (or every page with --all)')
    .option('--subject <subject>', 'only events of this subject')
    .option('--action <action>', 'only this action, e.g. jobs:cancel or query:write')
    .addOption(
      new Option('--decision <decision>', 'only allowed or refused').choices(['allow', 'deny']),
    )
    .addOption(
      new Option('--transport <transport>', 'only this transport').choices(['rest', 'grpc']),
    )
    .option('--since <time>', 'RFC 3339, inclusive, e.g. 2030-01-31T00:00:00Z')
    .option('--until <time>', 'RFC 3339, exclusive')
    .option('--page-size <n>', 'events per page (server default 50)', positiveInt('--page-size'))
    .option('--page-token <token>', 'continue a listing where the previous page ended')
    .option('--all', 'follow every page to the end')
    .addHelpText(
      'after',
      `${examples(
        'krishiv audit list',
        'krishiv audit list --decision deny --since 2030-01-31T00:00:00Z',
        'krishiv audit list --subject alice --action jobs:cancel --format json',
        'krishiv audit list --all --format csv',
      )}
When more events exist, the token of the next page is printed on stderr.
`,
    )
    .action(async (options: ListOptions, command: Command) => {
      const page = await callAndPrint(
        command,
        (session) => listEvents(session, options),
        (p, format) =>
          formatList(p.events, AUDIT_FIELDS, format, 'event', 'events', {
            nextPageToken: p.nextPageToken,
          }),
      );
      if (page.nextPageToken) {
        process.stderr.write(
          `more events: add --page-token ${page.nextPageToken} (same filters), or --all\n`,
        );
      }
    });

  return audit;
}
