/**
 * The app's routes live in the browser: the server answers index.html for every path that is not
 * under /v1. A click on a Link pushes history and re-renders; Back and Forward do the same.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

type Listener = () => void;
const listeners = new Set<Listener>();
let moved = false;

window.addEventListener('popstate', () => {
  moved = true;
  for (const listener of listeners) listener();
});

export function navigate(to: string, { replace = false }: { replace?: boolean } = {}): void {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  moved = true;
  for (const listener of listeners) listener();
}

/** Whether the user has moved within the app since it loaded (focus follows them; not on load). */
export const hasNavigated = (): boolean => moved;

export interface Location {
  path: string;
  query: URLSearchParams;
  /** path and query together: a key that changes whenever either does. */
  href: string;
}

const current = (): Location => ({
  path: location.pathname,
  query: new URLSearchParams(location.search),
  href: `${location.pathname}${location.search}`,
});

export function useLocation(): Location {
  const [value, setValue] = useState(current);
  useEffect(() => {
    const listener = (): void => setValue(current());
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return value;
}

type LinkProps = Omit<JSX.HTMLAttributes<HTMLAnchorElement>, 'href'> & { href: string; children: ComponentChildren };

export function Link({ href, children, ...rest }: LinkProps): JSX.Element {
  const onClick = (event: MouseEvent): void => {
    // A modified click opens a new tab or window: leave it to the browser.
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}

/** `/programs/:programId` style matching; null when the path does not match. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const names: string[] = [];
  const source = pattern.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  const found = new RegExp(`^${source}/?$`).exec(path);
  if (!found) return null;
  return Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(found[index + 1] ?? '')]));
}
