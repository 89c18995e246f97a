import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import { PasswordPrompt } from './password-prompt.tsx';

afterEach(cleanup);

const wrong = { code: 'PFX_PASSWORD', severity: 'error', message: 'wrong password' } as never;

it('puts the cursor in the password field after a drop, and back in it after a wrong password', () => {
  const { rerender } = render(
    <PasswordPrompt requests={[{ index: 0, name: 'www.pfx' }]} onSubmit={() => {}} busy={false} />,
  );
  expect(document.activeElement).toBe(screen.getByLabelText('Password for www.pfx'));

  // The admin moves on, sends a password; it comes back wrong.
  (document.activeElement as HTMLElement).blur();
  rerender(<PasswordPrompt requests={[{ index: 0, name: 'www.pfx' }]} onSubmit={() => {}} busy />);
  expect(document.activeElement).not.toBe(screen.getByLabelText('Password for www.pfx'));
  rerender(
    <PasswordPrompt
      requests={[{ index: 0, name: 'www.pfx', issue: wrong }]}
      onSubmit={() => {}}
      busy={false}
    />,
  );
  expect(document.activeElement).toBe(screen.getByLabelText('Password for www.pfx'));
});
