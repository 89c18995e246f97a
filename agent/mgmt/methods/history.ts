/** `stats.history`: the status rollups and health transitions the agent keeps in memory. */
import { queryHistory } from '../../history/query.ts';
import type { Handlers } from '../handlers.ts';
import type { MethodContext } from './context.ts';

export function historyMethods(ctx: MethodContext): Pick<Handlers, 'stats.history'> {
  return { 'stats.history': (p) => queryHistory(ctx.history, p, Date.now()) };
}
