/**
 * Where certificate files come in: dragged onto the zone, or chosen with the picker (the
 * keyboard's way in: dragging has no keyboard equivalent, so "Choose files…" is a real button).
 */
import { type DragEvent, useId, useRef, useState } from 'react';
import { MAX_CERT_FILE_BYTES, MAX_CERT_FILES } from '../../../shared/ipc/certs.ts';
import { CERT_FILE_ACCEPT, formatBytes } from './read-files.ts';

export function DropZone({ onFiles, busy }: { onFiles: (files: File[]) => void; busy: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const hintId = useId();

  const onDragOver = (e: DragEvent) => {
    // Without preventDefault the browser refuses the drop (and would open the file instead).
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    setOver(true);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (busy) return;
    onFiles(Array.from(e.dataTransfer?.files ?? []));
  };

  return (
    <div
      className={`drop-zone${over ? ' drop-over' : ''}`}
      role="region"
      aria-label="Certificate files"
      aria-describedby={hintId}
      aria-busy={busy || undefined}
      onDragOver={onDragOver}
      onDragEnter={onDragOver}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <p className="drop-title">Drop certificate files here</p>
      <p id={hintId} className="muted">
        PFX/P12, PEM, CRT/CER (DER or Base-64), DER, P7B and key files. Drop the files of one certificate
        together (key, leaf and intermediates): at most {MAX_CERT_FILES} files of{' '}
        {formatBytes(MAX_CERT_FILE_BYTES)} each.
      </p>
      <button type="button" onClick={() => input.current?.click()} disabled={busy}>
        Choose files…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        accept={CERT_FILE_ACCEPT}
        hidden
        tabIndex={-1}
        aria-label="Choose certificate files"
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          // Cleared so choosing the same file again (after fixing its password) fires again.
          e.target.value = '';
          if (files.length > 0) onFiles(files);
        }}
      />
    </div>
  );
}
