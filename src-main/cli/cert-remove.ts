/**
 * `portico cert remove NAME --agents A,B --yes`: removes a store entry from each agent. An agent
 * whose services still use it refuses and names them. Without --yes it only says what it would
 * remove where.
 */
import { removeCommand } from './remove-command.ts';

export const { usage, run } = removeCommand({
  command: 'cert remove',
  what: 'certificate',
  whatInFull: 'certificate',
  remove: (client, name) => client.request('cert.remove', { name }),
  refusal: (error, name) => {
    const usedBy =
      error.code === 'IN_USE' ? (error.data as { usedBy?: string[] } | undefined)?.usedBy : undefined;
    return usedBy?.length
      ? `could not remove certificate "${name}": services ${usedBy.join(', ')} use it; bind another certificate to them first`
      : undefined;
  },
});
