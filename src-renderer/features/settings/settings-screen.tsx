/**
 * Settings an admin changes here: the theme, how long traffic history is kept, when alerts are
 * raised (the 5xx threshold and the certificate periods) and whether they become desktop
 * notifications. Checked with the same schema the main process applies (shared/ipc/settings.ts)
 * before anything is sent.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { unwrap } from '../../../shared/ipc/errors.ts';
import { AlertThresholds, type ConsoleSettingsView } from '../../../shared/ipc/settings.ts';
import { DisplaySettings } from './display-settings.tsx';
import { useApi } from '../../api/api-context.tsx';
import { settingsQueries } from '../../api/queries.ts';
import { queryKeys } from '../../api/query-keys.ts';
import { ErrorMessage } from '../../components/error-message.tsx';
import { Loading } from '../../components/loading.tsx';
import { browserNotifications } from '../alerts/use-alert-notifications.ts';

export function SettingsScreen() {
  const api = useApi();
  const settings = useQuery(settingsQueries.get(api));
  return (
    <section aria-labelledby="settings-title" className="settings-screen">
      <header className="screen-header">
        <h2 id="settings-title">Settings</h2>
      </header>
      {settings.isPending && <Loading what="settings" />}
      {settings.error && <ErrorMessage title="Could not load settings" error={settings.error} />}
      {settings.data && <DisplaySettings saved={settings.data} />}
      {settings.data && (
        <AlertSettingsForm key={JSON.stringify(settings.data.alerts)} saved={settings.data} />
      )}
      <BrowserPermission />
    </section>
  );
}

type Draft = Record<
  'errorRatePercent' | 'errorRateMinimum' | 'certificateWarningDays' | 'certificateCriticalDays',
  string
>;

function AlertSettingsForm({ saved }: { saved: ConsoleSettingsView }) {
  const api = useApi();
  const client = useQueryClient();
  const a = saved.alerts;
  const [draft, setDraft] = useState<Draft>({
    errorRatePercent: String(a.errorRatePercent),
    errorRateMinimum: String(a.errorRateMinimum),
    certificateWarningDays: String(a.certificateWarningDays),
    certificateCriticalDays: String(a.certificateCriticalDays),
  });
  const [notifications, setNotifications] = useState(a.notifications);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: async (alerts: AlertThresholds) => unwrap(await api.updateSettings({ alerts })),
    onSuccess: (view) => client.setQueryData(queryKeys.settings, view),
  });
  const field = (name: keyof Draft, label: string, hint: string) => (
    <div className="field wide">
      <label htmlFor={`setting-${name}`}>{label}</label>
      <input
        id={`setting-${name}`}
        inputMode="decimal"
        value={draft[name]}
        aria-invalid={problems[name] ? true : undefined}
        aria-describedby={`setting-${name}-hint`}
        onChange={(e) => setDraft({ ...draft, [name]: e.target.value })}
      />
      <span id={`setting-${name}-hint`} className="muted field-hint">
        {hint}
      </span>
      {problems[name] && <span className="field-problem">{problems[name]}</span>}
    </div>
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = AlertThresholds.safeParse({
      errorRatePercent: Number(draft.errorRatePercent),
      errorRateMinimum: Number(draft.errorRateMinimum),
      certificateWarningDays: Number(draft.certificateWarningDays),
      certificateCriticalDays: Number(draft.certificateCriticalDays),
      notifications,
    });
    if (!parsed.success) {
      setProblems(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])));
      return;
    }
    setProblems({});
    save.mutate(parsed.data);
  };
  return (
    <form aria-labelledby="alert-settings-title" className="panel settings-form" onSubmit={submit} noValidate>
      <h3 id="alert-settings-title">Alerts</h3>
      {field(
        'errorRatePercent',
        '5xx threshold (%)',
        'A service alerts when 5xx (TCP: failed connections) reach this share of its answers over a minute…',
      )}
      {field(
        'errorRateMinimum',
        'At least (answers a minute)',
        '…and at least this many of them, so one error on a quiet service pages nobody.',
      )}
      {field(
        'certificateWarningDays',
        'Certificate warning (days)',
        'A certificate expiring within this many days raises a warning…',
      )}
      {field(
        'certificateCriticalDays',
        'Certificate critical (days)',
        '…and within this many, a critical alert.',
      )}
      <label className="checkbox">
        <input type="checkbox" checked={notifications} onChange={(e) => setNotifications(e.target.checked)} />
        Desktop notifications for new alerts while the Console is not in front
      </label>
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          Save
        </button>
        {save.isSuccess && !save.isPending && (
          <span role="status" className="muted">
            Saved.
          </span>
        )}
      </div>
      {save.error && <ErrorMessage title="Not saved" error={save.error} />}
    </form>
  );
}

/** Browser mode: the browser asks the admin once, after a click (browsers refuse to ask unprompted). */
function BrowserPermission() {
  const N = browserNotifications();
  const [permission, setPermission] = useState(N?.permission);
  if (!N || permission === 'denied' || permission === undefined) return null;
  return (
    <div className="panel">
      <h3>Notifications in this browser</h3>
      {permission === 'granted' ? (
        <p>This browser shows the Console's notifications.</p>
      ) : (
        <button type="button" onClick={() => void N.requestPermission().then(setPermission)}>
          Allow notifications in this browser
        </button>
      )}
    </div>
  );
}
