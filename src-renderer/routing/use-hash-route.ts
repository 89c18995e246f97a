/**
 * The route in the URL's fragment as React state. `navigate` opens a screen as a new history
 * entry (Back returns); `replace` keeps the address in step with what the admin changes on a
 * screen (filters) without adding entries. `opened` counts navigations that came from outside
 * the screen (a link, Back, a reload, another screen's button): a screen that takes its state
 * from the route remounts on it, and not when it wrote the route itself.
 */
import { useCallback, useEffect, useState } from 'react';
import { formatRoute, parseRoute, type Route } from './hash-route.ts';

export function useHashRoute(): {
  route: Route | undefined;
  opened: number;
  navigate: (route: Route) => void;
  replace: (route: Route) => void;
} {
  const [state, setState] = useState(() => ({ route: parseRoute(window.location.hash), opened: 0 }));
  useEffect(() => {
    // A change this hook made itself (navigate) was counted already.
    const onChange = () =>
      setState((s) => {
        const route = parseRoute(window.location.hash);
        return same(route, s.route) ? s : { route, opened: s.opened + 1 };
      });
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const navigate = useCallback((route: Route) => {
    const hash = formatRoute(route);
    // A new history entry (Back returns here); hashchange then finds the state already set.
    if (window.location.hash !== hash) window.location.hash = hash;
    setState((s) => ({ route, opened: s.opened + 1 }));
  }, []);
  const replace = useCallback((route: Route) => {
    const hash = formatRoute(route);
    if (window.location.hash === hash) return;
    window.history.replaceState(window.history.state, '', hash);
    setState((s) => ({ ...s, route }));
  }, []);
  return { route: state.route, opened: state.opened, navigate, replace };
}

function same(a: Route | undefined, b: Route | undefined): boolean {
  return (a ? formatRoute(a) : '') === (b ? formatRoute(b) : '');
}
