/** Pieces every page uses: the heading that takes focus on navigation, status and error messages. */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { ApiProblem } from '../api.js';
import { hasNavigated } from '../router.js';

const APP_NAME = 'Leadership Associate programs';

/**
 * The page's h1. After the user moves to another page, focus goes here, so a screen reader reads
 * the new page's name and the next Tab starts at the top of its content.
 */
export function PageHeading({ title, children }: { title: string; children?: ComponentChildren }): JSX.Element {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} – ${APP_NAME}`;
    if (hasNavigated()) heading.current?.focus();
  }, [title]);
  return (
    <h1 ref={heading} tabIndex={-1} class="page-heading">
      {children ?? title}
    </h1>
  );
}

/** A message that a screen reader reads when it changes (a result, a confirmation). */
export function StatusMessage({
  children,
  tone = 'info',
  id,
}: {
  children: ComponentChildren;
  tone?: 'info' | 'success';
  id?: string;
}): JSX.Element {
  return (
    <p role="status" class={`status status-${tone}`} id={id} tabIndex={-1}>
      {children}
    </p>
  );
}

/** An error that stops the page (not found, not allowed, server down), in the API's words. */
export function ProblemMessage({ error }: { error: unknown }): JSX.Element {
  return (
    <div class="problem" role="alert">
      <p>{messageOf(error)}</p>
    </div>
  );
}

export function messageOf(error: unknown): string {
  if (error instanceof ApiProblem) return error.message;
  return 'Something went wrong in the page. Reload it and try again.';
}

export function Loading({ what }: { what: string }): JSX.Element {
  return (
    <p class="loading" role="status">
      Loading {what}…
    </p>
  );
}

/** A wide table scrolls sideways on a phone inside its own box, which keyboard users can scroll too. */
export function TableBox({ label, children }: { label: string; children: ComponentChildren }): JSX.Element {
  return (
    <div class="table-box" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
