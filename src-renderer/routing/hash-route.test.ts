import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute, type Route } from './hash-route.ts';

describe('routes', () => {
  it.each<[string, Route]>([
    ['#/dashboard', { screen: 'dashboard' }],
    ['#/agent/a%2F1', { screen: 'agent', agentId: 'a/1' }],
    ['#/activity', { screen: 'activity' }],
    ['#/activity/lb-1', { screen: 'activity', agentId: 'lb-1' }],
    [
      '#/health?site=east&agent=a1&state=down&q=cas+1&sort=since',
      {
        screen: 'health',
        health: { site: 'east', agentId: 'a1', state: 'down', text: 'cas 1', sort: 'since' },
      },
    ],
    ['#/health?site=', { screen: 'health', health: { site: '' } }],
    ['#/about', { screen: 'about' }],
    ['#/dashboard?range=24h', { screen: 'dashboard', range: '24h' }],
    ['#/templates?template=builtin%3Aexchange', { screen: 'templates', template: 'builtin:exchange' }],
  ])('%s ⇄ route', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
    expect(parseRoute(formatRoute(route))).toEqual(route);
  });

  it.each<[string, Route | undefined]>([
    ['', undefined],
    ['#', undefined],
    ['#secret=abc', undefined],
    ['#/nowhere', undefined],
    ['#/health?state=exploded&sort=sideways', { screen: 'health' }],
    ['#/agent/%E0%A4%A', { screen: 'agent' }],
    ['#/settings/extra', { screen: 'settings' }],
    ['#/dashboard?range=forever', { screen: 'dashboard' }],
    ['#/templates?template=', { screen: 'templates' }],
  ])('%s names no route, or drops what it cannot use', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it('leaves default filters out of the address', () => {
    expect(
      formatRoute({
        screen: 'health',
        health: { site: null, agentId: null, state: 'all', text: '', sort: 'state' },
      }),
    ).toBe('#/health');
    expect(formatRoute({ screen: 'dashboard', range: '1h' })).toBe('#/dashboard');
  });
});
