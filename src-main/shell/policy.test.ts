import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, isAllowedExternal, isAppUrl } from './policy.ts';

const FILE_APP = 'file:///opt/Portico/resources/app/renderer/index.html';
const DEV_APP = 'http://localhost:5173/';

describe('isAppUrl', () => {
  it.each([
    [FILE_APP, FILE_APP, true],
    [`${FILE_APP}#/agents/a1`, FILE_APP, true],
    [`${FILE_APP}?x=1`, FILE_APP, true],
    ['file:///etc/passwd', FILE_APP, false],
    ['file:///opt/Portico/resources/app/renderer/other.html', FILE_APP, false],
    ['file://evil-host/opt/Portico/resources/app/renderer/index.html', FILE_APP, false],
    ['http://localhost:5173/agents', DEV_APP, true],
    ['http://localhost:5174/', DEV_APP, false],
    ['https://localhost:5173/', DEV_APP, false],
    ['http://127.0.0.1:5173/', DEV_APP, false],
    ['https://evil.example/', DEV_APP, false],
    ['https://evil.example/', FILE_APP, false],
    ['javascript:alert(1)', DEV_APP, false],
    ['not a url', DEV_APP, false],
    [DEV_APP, 'not a url', false],
  ])('%s within %s → %s', (url, app, expected) => {
    expect(isAppUrl(url, app)).toBe(expected);
  });
});

describe('isAllowedExternal', () => {
  const allow = ['https://learn.microsoft.com'];
  it.each([
    ['https://learn.microsoft.com/en-us/exchange/', true],
    ['https://learn.microsoft.com:443/x', true],
    ['http://learn.microsoft.com/', false],
    ['https://learn.microsoft.com.evil.example/', false],
    ['https://user:pw@learn.microsoft.com/', false],
    ['https://evil.example/', false],
    ['file:///etc/passwd', false],
    ['smb://server/share', false],
    ['ms-msdt:/id', false],
    ['garbage', false],
  ])('%s → %s', (url, expected) => {
    expect(isAllowedExternal(url, allow)).toBe(expected);
  });

  it('allows nothing with an empty list', () => {
    expect(isAllowedExternal('https://learn.microsoft.com/', [])).toBe(false);
  });
});

describe('CONTENT_SECURITY_POLICY', () => {
  it('is strict: self only, no eval, no inline script, never framed', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(eval|inline)/);
  });
});
