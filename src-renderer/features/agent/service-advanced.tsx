/**
 * The virtual-service form's "Advanced" group: the time limits and limits towards clients the
 * service's protocol has, the largest request head, and for https what a request whose Host is
 * not its TLS name gets, the oldest TLS version and the cipher profile. Placeholders are the schema's own defaults, so an empty field says what
 * it will be.
 */
import { HttpService } from '../../../shared/model/config.ts';
import { limitFields, timeoutFields } from '../../../shared/model/config-parts.ts';
import { AdvancedGroup } from './advanced-group.tsx';
import { SelectInput, TextInput } from './form-inputs.tsx';
import {
  CIPHER_PROFILES,
  type NumberField,
  numberFieldsOf,
  SNI_HOST_MISMATCH,
  type ServiceFormValues,
  TLS_VERSIONS,
} from './service-form-model.ts';

const NUMBER_LABELS: Record<NumberField, { label: string; hint?: string }> = {
  clientHeaderMs: { label: 'Request header timeout (ms)', hint: 'Clients slower than this get 408.' },
  clientBodyMs: { label: 'Request body start timeout (ms)', hint: 'Clients slower than this get 408.' },
  idleMs: { label: 'Idle connection timeout (ms)', hint: 'Keep-alive, WebSocket and TCP connections.' },
  tlsHandshakeMs: { label: 'TLS handshake timeout (ms)' },
  maxConnections: { label: 'Most client connections at once' },
  maxConnectionsPerSource: {
    label: 'Most connections from one client address',
    hint: '0 = no limit (offices behind one NAT address look like one client).',
  },
  maxTunnels: { label: 'Most WebSocket tunnels at once', hint: 'An upgrade over it gets 503.' },
  minBodyRate: {
    label: 'Slowest request body (bytes/s)',
    hint: 'After the body timeout; 0 = the whole body must arrive within it.',
  },
  maxHeaderBytes: { label: 'Largest request head (bytes)', hint: 'Larger gets 431.' },
};

const DEFAULTS: Record<NumberField, unknown> = {
  ...Object.fromEntries(
    Object.entries({ ...timeoutFields, ...limitFields }).map(([k, f]) => [k, f.parse(undefined)]),
  ),
  maxHeaderBytes: HttpService.shape.maxHeaderBytes.parse(undefined),
} as Record<NumberField, unknown>;

const TLS_VERSION_LABELS: Record<(typeof TLS_VERSIONS)[number], string> = {
  'TLSv1.2': 'TLS 1.2 (clients back to Windows 7 and Exchange-era devices)',
  'TLSv1.3': 'TLS 1.3 only',
};

const CIPHER_LABELS: Record<(typeof CIPHER_PROFILES)[number], string> = {
  modern: 'Modern (forward secrecy, AEAD only)',
  intermediate: 'Intermediate (recommended)',
  legacy: 'Legacy (old clients; weaker ciphers)',
};

const SNI_LABELS: Record<(typeof SNI_HOST_MISMATCH)[number], string> = {
  '': 'Automatic: refuse with more than one certificate, else route by Host',
  refuse: 'Refuse (421 Misdirected Request)',
  'route-by-host': 'Route by its Host',
};

export function ServiceAdvanced({
  id,
  values,
  set,
  problems,
}: {
  id: string;
  values: ServiceFormValues;
  set: <K extends keyof ServiceFormValues>(key: K, value: ServiceFormValues[K]) => void;
  problems: Record<string, string>;
}) {
  const fields = numberFieldsOf(values.protocol);
  const https = values.protocol === 'https';
  const hasProblem = [
    ...fields,
    ...(https ? ['sniHostMismatch', 'tlsMinVersion', 'cipherProfile'] : []),
  ].some((f) => problems[f] !== undefined);
  const select = <K extends 'sniHostMismatch' | 'tlsMinVersion' | 'cipherProfile'>(
    key: K,
    label: string,
    options: readonly ServiceFormValues[K][],
    labels: Record<ServiceFormValues[K], string>,
  ) => (
    <SelectInput
      id={`${id}-${key}`}
      label={label}
      value={values[key]}
      onChange={(v) => set(key, v)}
      options={options}
      labels={labels}
      problem={problems[key]}
    />
  );
  return (
    <AdvancedGroup summary="Advanced: timeouts and limits" hasProblem={hasProblem}>
      {https && (
        <>
          {select('sniHostMismatch', 'Host not matching the TLS name (SNI)', SNI_HOST_MISMATCH, SNI_LABELS)}
          {select('tlsMinVersion', 'Oldest TLS version clients may use', TLS_VERSIONS, TLS_VERSION_LABELS)}
          {select('cipherProfile', 'Cipher profile', CIPHER_PROFILES, CIPHER_LABELS)}
        </>
      )}
      {fields.map((key) => {
        const { label, hint } = NUMBER_LABELS[key];
        return (
          <TextInput
            key={key}
            id={`${id}-${key}`}
            label={label}
            value={values[key]}
            onChange={(v) => set(key, v)}
            problem={problems[key]}
            numeric
            placeholder={String(DEFAULTS[key])}
            {...(hint === undefined ? {} : { hint })}
          />
        );
      })}
    </AdvancedGroup>
  );
}
