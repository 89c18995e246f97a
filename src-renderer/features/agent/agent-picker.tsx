/** Which agent the screen shows: a plain <select>, grouped by site like the Fleet screen. */
import { useId } from 'react';
import type { FleetView } from '../../../shared/ipc/fleet.ts';
import { findAgent } from '../../api/site-groups.ts';

export function AgentPicker({
  fleet,
  value,
  onChange,
}: {
  fleet: FleetView | undefined;
  value: string | undefined;
  onChange: (agentId: string) => void;
}) {
  const id = useId();
  // An id the fleet does not know (removed meanwhile) stays selectable, so the select shows it.
  const unknown = value !== undefined && fleet !== undefined && !findAgent(fleet.sites, value);
  return (
    <div className="agent-picker">
      <label htmlFor={id}>Agent</label>
      <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value)}>
        <option value="" disabled>
          Choose an agent…
        </option>
        {unknown && <option value={value}>{value} (not paired)</option>}
        {fleet?.sites.map((group) => (
          <optgroup key={group.site} label={group.site || '(no site)'}>
            {group.agents.map((agent) => (
              <option key={agent.id} value={agent.id}>
                {agent.name}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </div>
  );
}
