import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleError } from '../../shared/ipc/errors.ts';
import { ErrorMessage } from './error-message.tsx';

afterEach(cleanup);

const IN_USE =
  'The agent refused the virtual service: the configuration is not valid: service "second", listen: 127.0.0.1:8443 is already in use by node (pid 4242): stop it, or choose another address or port';

describe('ErrorMessage', () => {
  it('shows the words alone: the code is kept as data-code, never as text', () => {
    render(<ErrorMessage error={new ConsoleError('INVALID_CONFIG', IN_USE)} title="Not saved" />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toBe(`Not saved: ${IN_USE}`);
    expect(alert.textContent).not.toContain('INVALID_CONFIG');
    expect(alert.getAttribute('data-code')).toBe('INVALID_CONFIG');
  });

  it.each([
    ['an Error', new Error('disk full'), 'disk full'],
    ['a string', 'something broke', 'something broke'],
  ])('shows %s without a code attribute', (_what, error, text) => {
    render(<ErrorMessage error={error} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toBe(text);
    expect(alert.hasAttribute('data-code')).toBe(false);
  });
});
