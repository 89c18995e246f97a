/**
 * A certificate parameter: the store entry names the chosen agents hold (from the fleet's
 * certificate usage), each saying which agents have it, or a name typed by hand (an entry the
 * usage view could not see: an unreachable agent, a certificate pushed a moment ago). Where
 * the chosen name is missing is said before the preview, which would fail on those agents.
 */
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/api-context.tsx';
import { certQueries, fleetQueries } from '../../api/queries.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { useScreenVisible } from '../../components/screen-visibility.tsx';
import { useMemo, useState } from 'react';
import { certEntries, coverage } from './cert-entries.ts';

const OTHER = '\u0000other';

export interface CertificatePickerProps {
  id: string;
  'aria-describedby': string | undefined;
  'aria-invalid': boolean | undefined;
  'aria-required': boolean | undefined;
  /** The parameter's label, to name the typed-name input after it. */
  label: string;
  value: string;
  onChange: (value: string) => void;
  agentIds: readonly string[];
}

export function CertificatePicker({ label, value, onChange, agentIds, ...a11y }: CertificatePickerProps) {
  const api = useApi();
  const usage = useQuery({ ...certQueries.usage(api), enabled: useScreenVisible() });
  const fleet = useQuery(fleetQueries.agents(api));
  const [typing, setTyping] = useState(false);

  const entries = useMemo(() => certEntries(usage.data, agentIds), [usage.data, agentIds]);
  const names = useMemo(
    () => new Map(fleet.data?.sites.flatMap((s) => s.agents.map((a) => [a.id, a.name]))),
    [fleet.data],
  );
  const nameOf = (id: string) => names.get(id) ?? id;
  const known = entries.find((e) => e.name === value);
  // A name not among the entries is being typed (or was given before the list arrived).
  const custom = typing || usage.isError || (value !== '' && !known && !usage.isPending);
  const unreachable =
    usage.data?.unreachable.filter((u) => agentIds.length === 0 || agentIds.includes(u.agentId)) ?? [];

  return (
    <div className="tpl-cert">
      <select
        {...a11y}
        value={custom ? OTHER : value}
        onChange={(e) => {
          const next = e.target.value;
          setTyping(next === OTHER);
          if (next !== OTHER) onChange(next);
        }}
      >
        <option value="">{usage.isPending ? 'Loading certificates…' : 'Choose a certificate…'}</option>
        {entries.map((e) => (
          <option key={e.name} value={e.name}>
            {e.name} ({coverage(e, agentIds, nameOf)})
          </option>
        ))}
        <option value={OTHER}>Type a name…</option>
      </select>
      {custom && (
        <input
          type="text"
          aria-label={`${label}: entry name`}
          autoComplete="off"
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {known && agentIds.some((a) => !known.agents.has(a)) && (
        <span className="tpl-help down">
          {value} is {coverage(known, agentIds, nameOf)}: the preview fails where it is missing.
        </span>
      )}
      {usage.data && entries.length === 0 && (
        <span className="tpl-help muted">
          {agentIds.length ? 'The chosen agents hold no certificates' : 'No agent holds a certificate'}; type
          the entry name.
        </span>
      )}
      {unreachable.length > 0 && (
        <span className="tpl-help muted">
          Not asked: {unreachable.map((u) => `${nameOf(u.agentId)} (${u.reason})`).join(', ')}.
        </span>
      )}
      {usage.error && <ErrorMessage title="Certificates unavailable; type the name" error={usage.error} />}
    </div>
  );
}
