/**
 * Errors stay where the problem is, in the page, until the admin acts: a toast that fades
 * would lose "fingerprint mismatch" or "token refused" before anyone reads it.
 *
 * The words are all the admin sees (issue 16): a stable code such as INVALID_CONFIG says
 * nothing the message does not, so it rides along only as `data-code`, for tests and for
 * anyone inspecting the page, never as text.
 */
import { ConsoleError } from '../../shared/ipc/errors.ts';

export function errorText(error: unknown): string {
  if (error instanceof ConsoleError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function ErrorMessage({
  error,
  onRetry,
  title,
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
}) {
  const code = error instanceof ConsoleError ? error.code : undefined;
  return (
    <div role="alert" className="error" data-code={code}>
      {title && <strong>{title}: </strong>}
      <span>{errorText(error)}</span>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
