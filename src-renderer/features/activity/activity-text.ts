/**
 * An audit entry in the admin's words: what was done (not the method name), by whom, and to
 * what. Pure: no React, no DesktopApi.
 */
import type { AuditEntryView } from '../../../shared/ipc/activity.ts';

const ACTIONS: Record<string, string> = {
  'config.apply': 'Replaced the whole configuration',
  'config.reload': 'Reloaded config.json (edited on the agent)',
  'config.rollback': 'Rolled back',
  'pool.upsert': 'Saved a pool',
  'pool.remove': 'Removed a pool',
  'virtualService.upsert': 'Saved a virtual service',
  'virtualService.remove': 'Removed a virtual service',
  'realServer.drain': 'Drained a real server',
  'realServer.enable': 'Enabled a real server',
  'realServer.setEnabled': 'Drained or enabled a real server',
  'template.apply': 'Applied a template',
  'cert.import': 'Imported a certificate',
  'cert.remove': 'Deleted a certificate',
};

/** "Rolled back to revision 4", "Deleted a certificate: www", or the action as the agent named it. */
export function actionText(entry: Pick<AuditEntryView, 'action' | 'detail'>): string {
  const detail = entry.detail ?? {};
  if (entry.action === 'config.rollback' && typeof detail.toRevision === 'number')
    return `Rolled back to revision ${detail.toRevision}`;
  const words = ACTIONS[entry.action] ?? entry.action.replace(/[._]/g, ' ');
  const name = typeof detail.name === 'string' ? detail.name : undefined;
  return name ? `${words}: ${name}` : words;
}

/** "token 3fa2c1 from 10.0.0.5", "config.json on the agent", "the agent itself". */
export function actorText(actor: AuditEntryView['actor']): string {
  if (actor.tokenId === 'config-file') return 'config.json on the agent';
  if (actor.peer === 'local') return `${actor.tokenId} on the agent`;
  return `token ${actor.tokenId} from ${actor.peer.replace(/^::ffff:/, '')}`;
}

/** Local date and time to the second: an audit is read as "when exactly". */
export function timeText(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString('en-GB', { hour12: false });
}
