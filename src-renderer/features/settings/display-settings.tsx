/**
 * The theme and the history retention: one choice each, saved (and in force) as soon as it is
 * made, with no Save button to forget. The saved view goes into the settings query, so the
 * theme hook (use-theme.ts) repaints the page at once.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ParamsInput } from '../../../shared/ipc/channels.ts';
import { unwrap } from '../../../shared/ipc/errors.ts';
import {
  HISTORY_RETENTION_CHOICES_HOURS,
  Theme,
  type ConsoleSettingsView,
} from '../../../shared/ipc/settings.ts';
import { useApi } from '../../api/api-context.tsx';
import { queryKeys } from '../../api/query-keys.ts';
import { ErrorMessage } from '../../components/error-message.tsx';

const THEME_LABELS: Record<Theme, string> = {
  system: 'System (follows the operating system)',
  light: 'Light',
  dark: 'Dark',
};

/** "1 hour", "6 hours", "1 day", "3 days", "7 days". */
export function retentionLabel(hours: number): string {
  if (hours % 24 === 0) return hours === 24 ? '1 day' : `${hours / 24} days`;
  return hours === 1 ? '1 hour' : `${hours} hours`;
}

export function DisplaySettings({ saved }: { saved: ConsoleSettingsView }) {
  const api = useApi();
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: async (patch: ParamsInput<'updateSettings'>) => unwrap(await api.updateSettings(patch)),
    onSuccess: (view) => client.setQueryData(queryKeys.settings, view),
  });
  // The choice being saved shows while it is; after a refusal, what is in force shows again.
  const saving = save.isPending ? save.variables : undefined;
  // A value saved by hand in the settings file that is not a choice here still shows, as itself.
  const retentions = [...new Set([...HISTORY_RETENTION_CHOICES_HOURS, saved.historyRetentionHours])].sort(
    (a, b) => a - b,
  );
  return (
    <div className="panel settings-form">
      <h3>Display and history</h3>
      <div className="field wide">
        <label htmlFor="setting-theme">Theme</label>
        <select
          id="setting-theme"
          value={saving?.theme ?? saved.theme}
          onChange={(e) => save.mutate({ theme: Theme.parse(e.target.value) })}
        >
          {Theme.options.map((t) => (
            <option key={t} value={t}>
              {THEME_LABELS[t]}
            </option>
          ))}
        </select>
      </div>
      <div className="field wide">
        <label htmlFor="setting-history-retention">Keep traffic history for</label>
        <select
          id="setting-history-retention"
          aria-describedby="setting-history-retention-hint"
          value={saving?.historyRetentionHours ?? saved.historyRetentionHours}
          onChange={(e) => save.mutate({ historyRetentionHours: Number(e.target.value) })}
        >
          {retentions.map((h) => (
            <option key={h} value={h}>
              {retentionLabel(h)}
            </option>
          ))}
        </select>
        <span id="setting-history-retention-hint" className="muted field-hint">
          How long this Console keeps each agent's per-minute traffic on this computer; a shorter time frees
          the disk at once.
        </span>
      </div>
      {save.isSuccess && !save.isPending && (
        <span role="status" className="muted">
          Saved.
        </span>
      )}
      {save.error && <ErrorMessage title="Not saved" error={save.error} />}
    </div>
  );
}
