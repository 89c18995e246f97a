import { describe, expect, it } from 'vitest';
import { canonicalPrefix, canonicalTarget, TargetError, underPrefix } from './target.ts';

const canon = (url: string, host = 'mail.contoso.com') => {
  const t = canonicalTarget(url, host);
  return t instanceof TargetError ? `400: ${t.message}` : t.forward;
};

describe('canonicalTarget', () => {
  it.each([
    ['/', '/'],
    ['/owa/?ae=Item&t=IPM.Note', '/owa/?ae=Item&t=IPM.Note'],
    ['/%61dmin', '/admin'],
    ['/%7euser/%2d%2E%5f', '/~user/-._'],
    ['/a%20b/%c3%a9', '/a%20b/%C3%A9'],
    ['/x/../admin', '/admin'],
    ['/x/%2e%2e/admin', '/admin'],
    ['/x/.%2E/admin', '/admin'],
    ['/./a/./b/.', '/a/b/'],
    ['//admin', '/admin'],
    ['/a//b///', '/a/b/'],
    ['/a/..', '/'],
    ['/a/b/../../', '/'],
    ['/owa/.well-known/x', '/owa/.well-known/x'],
    ['/x/..?a=/../b', '/?a=/../b'],
    ['http://mail.contoso.com/admin', '/admin'],
    ['HTTP://MAIL.contoso.com:80/admin?x', '/admin?x'],
    ['https://mail.contoso.com', '/'],
    ['http://mail.contoso.com?q', '/?q'],
    ['*', '*'],
  ])('%s → %s', (url, want) => {
    expect(canon(url)).toBe(want);
  });

  it.each([
    ['/%2fadmin', 'encoded "/"'],
    ['/%2Fadmin', 'encoded "/"'],
    ['/x/..%2fadmin', 'encoded "/"'],
    ['/%5cadmin', 'encoded "/", "\\"'],
    ['/x\\..\\admin', 'a "\\"'],
    ['/%00', 'NUL'],
    ['/%zz', 'two hex digits'],
    ['/%4', 'two hex digits'],
    ['/../admin', 'above the root'],
    ['/a/../../admin', 'above the root'],
    ['/%2e%2e/admin', 'above the root'],
    ['/admin#x', 'fragment'],
    ['/x/..;/admin', '";" parameter'],
    ['/x/.;jsessionid=1/admin', '";" parameter'],
    ['http://evil.example/admin', 'not the Host header'],
    ['http://user@mail.contoso.com/admin', 'user name'],
    ['http:///admin', 'names no host'],
    ['admin', 'must be a path'],
    ['ftp://mail.contoso.com/', 'must be a path'],
  ])('%s is refused (%s)', (url, why) => {
    expect(canon(url)).toMatch(/^400: /);
    expect(canon(url)).toContain(why);
  });

  it('leaves an already canonical path as the same string', () => {
    const url = '/owa/service.svc?action=GetItem';
    const t = canonicalTarget(url, 'h') as { path: string; forward: string };
    expect(t.forward).toBe(url);
    expect(t.path).toBe('/owa/service.svc');
  });
});

describe('prefixes', () => {
  it.each([
    ['/admin', '/admin'],
    ['/Admin/', '/admin'],
    ['/%61dmin', '/admin'],
    ['/', '/'],
    ['/a/../ecp/', '/ecp'],
  ])('canonicalPrefix(%s) = %s', (p, want) => {
    expect(canonicalPrefix(p)).toBe(want);
  });

  it.each([
    ['/admin', '/admin', true],
    ['/admin/', '/admin', true],
    ['/admin/x', '/admin', true],
    ['/admin;jsessionid=1', '/admin', true],
    ['/administrator', '/admin', false],
    ['/admi', '/admin', false],
    ['/anything', '/', true],
  ])('underPrefix(%s, %s) = %s', (path, prefix, want) => {
    expect(underPrefix(path, prefix)).toBe(want);
  });
});
