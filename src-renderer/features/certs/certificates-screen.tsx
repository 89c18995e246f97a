/**
 * Certificates: drop a PFX (or PEM/CRT/CER/DER/P7B files), see the chain the Console built
 * leaf → root and where each link came from, push it to agents with per-agent progress, and
 * see every stored copy across the fleet in one table, most urgent first, with its actions (renew,
 * replace everywhere, delete).
 *
 * The files' bytes go to the main process, which parses them off the UI thread and keeps the
 * private key; this screen only ever holds the inspection's description and its id.
 */
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { ParamsInput } from '../../../shared/ipc/channels.ts';
import { unwrap } from '../../../shared/ipc/errors.ts';
import { useApi } from '../../api/api-context.tsx';
import { ErrorMessage, errorText } from '../../components/error-message.tsx';
import { ChainView } from './chain-view.tsx';
import { DropZone } from './drop-zone.tsx';
import { FleetPanel } from './fleet-panel.tsx';
import { passwordIssues } from './inspection-facts.ts';
import { PasswordPrompt, type PasswordRequest } from './password-prompt.tsx';
import { PushPanel } from './push-panel.tsx';
import { HaPairPush } from '../fleet/ha-pair-push.tsx';
import { isPfxName, readFiles, refuseFiles, type ReadFile } from './read-files.ts';
import { RequestPanel } from './request-panel.tsx';
import './certs.css';

interface Dropped extends ReadFile {
  /** '' = none given (the parser then tries the empty forms itself). */
  password: string;
}

export function CertificatesScreen() {
  const api = useApi();
  const [files, setFiles] = useState<Dropped[]>([]);
  const [refused, setRefused] = useState<string[]>([]);
  const [reading, setReading] = useState(false);
  /** A PFX was dropped and its password not asked yet: ask before the first inspection. */
  const [askFirst, setAskFirst] = useState(false);
  /** The ACME request form is open (issue 15). */
  const [requesting, setRequesting] = useState(false);

  const inspect = useMutation({
    mutationFn: async (list: Dropped[]) => {
      const params: ParamsInput<'inspectCertificates'> = {
        files: list.map((f) => ({
          name: f.name,
          bytes: f.bytes,
          ...(f.password ? { password: f.password } : {}),
        })),
      };
      return unwrap(await api.inspectCertificates(params));
    },
  });
  const inspection = inspect.data;
  const busy = reading || inspect.isPending;

  const onFiles = async (list: File[]) => {
    const problems = refuseFiles(list.map((f) => ({ name: f.name, size: f.size })));
    setRefused(problems);
    if (problems.length > 0) return;
    setReading(true);
    let read: ReadFile[];
    try {
      read = await readFiles(list);
    } catch (error) {
      setRefused([`The files could not be read: ${errorText(error)}`]);
      return;
    } finally {
      setReading(false);
    }
    const dropped = read.map((f) => ({ ...f, password: '' }));
    setFiles(dropped);
    inspect.reset();
    const pfx = dropped.some((f) => isPfxName(f.name));
    setAskFirst(pfx);
    if (!pfx) inspect.mutate(dropped);
  };

  const issues = passwordIssues(inspection);
  const requests: PasswordRequest[] = inspect.isPending
    ? []
    : files.flatMap((f, index) =>
        (askFirst && isPfxName(f.name)) || issues.has(f.name)
          ? [{ index, name: f.name, issue: issues.get(f.name) }]
          : [],
      );

  const withPasswords = (passwords: Map<number, string>) => {
    const next = files.map((f, i) => (passwords.has(i) ? { ...f, password: passwords.get(i) ?? '' } : f));
    setFiles(next);
    setAskFirst(false);
    inspect.mutate(next);
  };

  const clear = () => {
    setFiles([]);
    setRefused([]);
    setAskFirst(false);
    inspect.reset();
  };

  return (
    <section className="certs-screen" aria-labelledby="certs-title">
      <header className="screen-header">
        <h2 id="certs-title">Certificates</h2>
        {!requesting && (
          <button type="button" onClick={() => setRequesting(true)}>
            Request a certificate
          </button>
        )}
      </header>

      {requesting && <RequestPanel onClose={() => setRequesting(false)} />}

      <DropZone onFiles={(list) => void onFiles(list)} busy={busy} />

      {refused.length > 0 && (
        <div role="alert" className="error">
          <strong>Nothing was sent:</strong>
          <ul>
            {refused.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}

      {files.length === 0 ? (
        <p className="empty">No certificate inspected yet: drop its files above or choose them.</p>
      ) : (
        <p className="dropped-files">
          Files: {files.map((f) => f.name).join(', ')}{' '}
          <button type="button" onClick={clear} disabled={busy}>
            Clear
          </button>
        </p>
      )}

      {requests.length > 0 && (
        <PasswordPrompt
          key={`passwords-${inspection?.inspectionId ?? 'first'}`}
          requests={requests}
          onSubmit={withPasswords}
          busy={busy}
        />
      )}

      {inspect.isPending && (
        <p role="status" className="muted">
          Inspecting {files.map((f) => f.name).join(', ')}… (completing the chain may download issuers)
        </p>
      )}
      {inspect.error && (
        <ErrorMessage title="Inspection failed" error={inspect.error} onRetry={() => inspect.mutate(files)} />
      )}
      {inspection && <ChainView inspection={inspection} />}
      {inspection && <PushPanel key={`push-${inspection.inspectionId}`} inspection={inspection} />}
      {inspection && <HaPairPush key={`pair-push-${inspection.inspectionId}`} inspection={inspection} />}

      <FleetPanel inspection={inspection} />
    </section>
  );
}
