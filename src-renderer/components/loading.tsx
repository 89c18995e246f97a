/** A status the screen reader announces, so "nothing yet" is not mistaken for "nothing". */
export function Loading({ what }: { what: string }) {
  return (
    <p role="status" className="muted">
      Loading {what}…
    </p>
  );
}
