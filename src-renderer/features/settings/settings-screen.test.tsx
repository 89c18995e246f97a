import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_THRESHOLDS } from '../../../shared/ipc/settings.ts';
import { renderWithApi } from '../../../test/support/renderer/render.tsx';
import { createTestApi, ok } from '../../../test/support/renderer/test-api.ts';
import { SettingsScreen } from './settings-screen.tsx';

afterEach(cleanup);

function setup() {
  const test = createTestApi({
    getSettings: ok({ alerts: DEFAULT_ALERT_THRESHOLDS }),
    updateSettings: (p) => ok({ alerts: p.alerts as typeof DEFAULT_ALERT_THRESHOLDS }),
  });
  renderWithApi(<SettingsScreen />, test);
  return test;
}

describe('SettingsScreen', () => {
  it('shows the thresholds in force and saves new ones', async () => {
    const test = setup();
    const percent = await screen.findByLabelText('5xx threshold (%)');
    expect((percent as HTMLInputElement).value).toBe('5');
    fireEvent.change(percent, { target: { value: '2.5' } });
    fireEvent.click(screen.getByLabelText(/Desktop notifications/));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Saved.');
    expect(test.calls.find((c) => c.channel === 'updateSettings')?.params).toEqual({
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
});
