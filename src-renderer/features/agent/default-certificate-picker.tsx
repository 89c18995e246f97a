/**
 * Which of an https service's certificates a client gets when it sends no SNI, or a name none
 * of them has (tls.defaultCertificate): one of the certificates listed above it, or the first.
 * Offered from the list as typed, so a certificate taken out of the list cannot stay the
 * default: the choice falls back to the first, as the document then says.
 */
import { splitList } from './form-values.ts';
import { SelectInput } from './form-inputs.tsx';

export function DefaultCertificatePicker({
  id,
  certificates,
  value,
  onChange,
  problem,
}: {
  id: string;
  /** The certificates field as typed (comma-separated). */
  certificates: string;
  /** The chosen default; empty = the first. */
  value: string;
  onChange: (value: string) => void;
  problem: string | undefined;
}) {
  const listed = [...new Set(splitList(certificates))];
  const first = listed[0];
  return (
    <SelectInput<string>
      id={id}
      label="Default certificate (clients without SNI)"
      value={listed.includes(value) ? value : ''}
      onChange={onChange}
      options={['', ...listed]}
      labels={{ '': first === undefined ? 'The first listed' : `The first listed (${first})` }}
      problem={problem}
    />
  );
}
