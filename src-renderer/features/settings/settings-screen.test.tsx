import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_ALERT_THRESHOLDS,
  DEFAULT_SETTINGS_VIEW,
  type ConsoleSettingsView,
} from '../../../shared/ipc/settings.ts';
import { useApi } from '../../api/api-context.tsx';
import { renderWithApi } from '../../../test/support/renderer/render.tsx';
import { createTestApi, ok } from '../../../test/support/renderer/test-api.ts';
import { SettingsScreen } from './settings-screen.tsx';
import { useTheme } from './use-theme.ts';

afterEach(() => {
  cleanup();
  delete document.documentElement.dataset.theme;
});

/** The screen with the theme hook the app runs, over settings kept as the main process keeps them. */
function ScreenWithTheme() {
  useTheme(useApi());
  return <SettingsScreen />;
}

function setup(initial: ConsoleSettingsView = DEFAULT_SETTINGS_VIEW) {
  let saved = initial;
  const test = createTestApi({
    getSettings: () => ok(saved),
    updateSettings: (p) => {
      saved = {
        alerts: (p.alerts as typeof DEFAULT_ALERT_THRESHOLDS | undefined) ?? saved.alerts,
        theme: p.theme ?? saved.theme,
        historyRetentionHours: p.historyRetentionHours ?? saved.historyRetentionHours,
      };
      return ok(saved);
    },
  });
  renderWithApi(<ScreenWithTheme />, test);
  return test;
}

const updates = (test: ReturnType<typeof setup>) =>
  test.calls.filter((c) => c.channel === 'updateSettings').map((c) => c.params);

describe('SettingsScreen', () => {
  it('shows the thresholds in force and saves new ones', async () => {
    const test = setup();
    const percent = await screen.findByLabelText('5xx threshold (%)');
    expect((percent as HTMLInputElement).value).toBe('5');
    fireEvent.change(percent, { target: { value: '2.5' } });
    fireEvent.click(screen.getByLabelText(/Desktop notifications/));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Saved.');
    expect(updates(test)[0]).toEqual({
      alerts: { ...DEFAULT_ALERT_THRESHOLDS, errorRatePercent: 2.5, notifications: false },
    });
  });

  it('says what is wrong at the field and sends nothing', async () => {
    const test = setup();
    const minimum = await screen.findByLabelText('At least (answers a minute)');
    fireEvent.change(minimum, { target: { value: 'many' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('a whole number from 1 to 1,000,000');
    expect(minimum.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(minimum, { target: { value: '10' } });
    fireEvent.change(screen.getByLabelText('Certificate critical (days)'), { target: { value: '60' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(screen.getByText('the critical period is at most the warning period')).toBeTruthy(),
    );
    expect(minimum.getAttribute('aria-invalid')).toBeNull();
    expect(test.calls.some((c) => c.channel === 'updateSettings')).toBe(false);
  });

  it('applies the theme at once on the root and saves it; System leaves it to prefers-color-scheme', async () => {
    const test = setup();
    const theme = (await screen.findByLabelText('Theme')) as HTMLSelectElement;
    expect(theme.value).toBe('system');
    expect(document.documentElement.dataset.theme).toBeUndefined();
    fireEvent.change(theme, { target: { value: 'dark' } });
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'));
    fireEvent.change(theme, { target: { value: 'light' } });
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('light'));
    fireEvent.change(theme, { target: { value: 'system' } });
    await waitFor(() => expect(document.documentElement.dataset.theme).toBeUndefined());
    expect(updates(test)).toEqual([{ theme: 'dark' }, { theme: 'light' }, { theme: 'system' }]);
  });

  it('applies a saved theme when the Console opens', async () => {
    setup({ ...DEFAULT_SETTINGS_VIEW, theme: 'dark' });
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'));
    expect(((await screen.findByLabelText('Theme')) as HTMLSelectElement).value).toBe('dark');
  });

  it('saves the history retention alone, leaving the alert thresholds as they are', async () => {
    const test = setup();
    const keep = (await screen.findByLabelText('Keep traffic history for')) as HTMLSelectElement;
    expect(keep.value).toBe('24');
    expect([...keep.options].map((o) => o.text)).toEqual(['1 hour', '6 hours', '1 day', '3 days', '7 days']);
    fireEvent.change(keep, { target: { value: '168' } });
    await screen.findByText('Saved.');
    expect(updates(test)).toEqual([{ historyRetentionHours: 168 }]);
    expect(keep.value).toBe('168');
    expect(((await screen.findByLabelText('5xx threshold (%)')) as HTMLInputElement).value).toBe('5');
  });

  it('shows a retention set by hand in the settings file as itself', async () => {
    setup({ ...DEFAULT_SETTINGS_VIEW, historyRetentionHours: 12 });
    const keep = (await screen.findByLabelText('Keep traffic history for')) as HTMLSelectElement;
    expect(keep.value).toBe('12');
    expect(keep.selectedOptions[0]!.text).toBe('12 hours');
  });
});
