/**
 * The pair's Prometheus metrics, appended to the agent's /metrics text: the VRRP state as one
 * gauge per state (1 for the current one, the usual form of an enum), the transitions counter
 * and what the engine check answers. Names and labels are ObjectNames: nothing to escape.
 */
import { HA_STATES, type HaState } from '../../shared/model/ha.ts';

export interface HaMetrics {
  pair: string;
  member: string;
  state: HaState;
  transitions: number;
  serving: boolean;
}

export function haMetricsText(m: HaMetrics): string {
  const labels = `pair="${m.pair}",member="${m.member}"`;
  return [
    '# HELP portico_ha_state VRRP state of this member of an HA pair: 1 for the state it is in.',
    '# TYPE portico_ha_state gauge',
    ...HA_STATES.map((s) => `portico_ha_state{${labels},state="${s}"} ${s === m.state ? 1 : 0}`),
    '# HELP portico_ha_transitions_total Changes of VRRP state since the agent started.',
    '# TYPE portico_ha_transitions_total counter',
    `portico_ha_transitions_total{${labels}} ${m.transitions}`,
    '# HELP portico_ha_engine_serving 1 while the engine check tells keepalived the engine serves.',
    '# TYPE portico_ha_engine_serving gauge',
    `portico_ha_engine_serving{${labels}} ${m.serving ? 1 : 0}`,
    '',
  ].join('\n');
}
