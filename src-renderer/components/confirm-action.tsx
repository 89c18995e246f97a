/**
 * A destructive action asked once more: its button opens the question, which names what goes
 * and where, with "Yes, …" and "Keep it". The caller owns `confirming`, so a failed or finished
 * request can close the question, and says what the request is (`onYes`).
 */
import type { ReactNode } from 'react';

export function ConfirmAction({
  confirming,
  setConfirming,
  button,
  buttonLabel,
  buttonDisabled = false,
  question,
  questionLabel,
  yes,
  pendingYes,
  pending,
  onOpen,
  onYes,
}: {
  confirming: boolean;
  setConfirming: (open: boolean) => void;
  /** The button's text ("Delete") and its accessible name, which says what it acts on. */
  button: string;
  buttonLabel: string;
  buttonDisabled?: boolean;
  /** The question shown, and the group's accessible name. */
  question: ReactNode;
  questionLabel: string;
  /** The confirming button's text, and its text while the request runs. */
  yes: string;
  pendingYes: string;
  pending: boolean;
  /** Before the question opens: a previous attempt's error goes. */
  onOpen: () => void;
  onYes: () => void;
}) {
  if (!confirming) {
    return (
      <button
        type="button"
        aria-label={buttonLabel}
        disabled={buttonDisabled}
        onClick={() => {
          onOpen();
          setConfirming(true);
        }}
      >
        {button}
      </button>
    );
  }
  return (
    <span role="group" aria-label={questionLabel}>
      <span>{question}</span>{' '}
      <button type="button" disabled={pending} onClick={onYes}>
        {pending ? pendingYes : yes}
      </button>{' '}
      <button type="button" onClick={() => setConfirming(false)}>
        Keep it
      </button>
    </span>
  );
}
