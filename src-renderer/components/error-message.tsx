/**
 * Errors stay where the problem is, in the page, until the admin acts: a toast that fades
 * would lose "fingerprint mismatch" or "token refused" before anyone reads it.
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
    <div role="alert" className="error">
      {title && <strong>{title}: </strong>}
      <span>{errorText(error)}</span>
      {code && <span className="error-code"> ({code})</span>}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
