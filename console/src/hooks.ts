/** Small React hooks the pages share: the hash route and polling. */
import { useEffect, useRef, useState } from 'react';

/** The part of the URL after `#`, kept in state: the console's router (the server serves one page). */
export function useHashRoute(): string {
  const [route, setRoute] = useState(() => location.hash.slice(1) || '/');
  useEffect(() => {
    const onChange = () => setRoute(location.hash.slice(1) || '/');
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function go(route: string): void {
  location.hash = route;
}

export const executionRoute = (arn: string) => `/execution/${encodeURIComponent(arn)}`;
export const machineRoute = (arn: string) => `/machine/${encodeURIComponent(arn)}`;

/**
 * Calls `tick` now and then every `ms` while `active`; a tick never overlaps the one before, and
 * none runs after the component is gone.
 */
export function usePoll(tick: () => Promise<void>, ms: number, active: boolean, deps: readonly unknown[]): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        await latest.current();
      } finally {
        if (!stopped && active) timer = setTimeout(run, ms);
      }
    };
    void run();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [active, ms, ...deps]);
}

export function formatDate(epochSeconds: number | undefined): string {
  if (epochSeconds === undefined) return '—';
  return new Date(epochSeconds * 1000).toISOString().replace('T', ' ').replace('Z', ' UTC');
}

/** Pretty JSON text, or the text as it is when it is not JSON. */
export function pretty(text: string | undefined): string {
  if (text === undefined) return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
