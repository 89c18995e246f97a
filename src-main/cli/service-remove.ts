/**
 * `portico service remove NAME --agents A,B --yes`: removes a virtual service from each agent
 * (its listener stops accepting and drains; its pools stay). Without --yes it only says what
 * it would remove where: a removal takes a service off the air.
 */
import { removeCommand } from './remove-command.ts';

export const { usage, run } = removeCommand({
  command: 'service remove',
  what: 'service',
  whatInFull: 'virtual service',
  consequence: ': its listener stops',
  remove: (client, name) => client.request('virtualService.remove', { name }),
  removed: (result) => ` (revision ${result.revision})`,
});
