/**
 * Observable Plot in Preact: a Plot drawing (an SVG element built outside the page) put into a box
 * the component owns, redrawn when its inputs change. Plot adds a <style> element to each drawing;
 * the content security policy refuses inline styles, so it is taken out before the drawing enters
 * the page and style.css carries the same rules (.plot-drawing). Links Plot draws (its `href`
 * channel) are SVG anchors: a plain click on one moves within the app instead of reloading it.
 */
import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { navigate } from '../router.js';

const XLINK = 'http://www.w3.org/1999/xlink';

/** Where an SVG anchor Plot drew leads (Plot sets xlink:href). */
export const hrefOf = (anchor: Element): string | null => anchor.getAttribute('href') ?? anchor.getAttributeNS(XLINK, 'href');

export function PlotBox({
  draw,
  deps,
  class: className,
}: {
  draw: () => SVGSVGElement | HTMLElement;
  deps: readonly unknown[];
  class?: string;
}): JSX.Element {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const drawing = draw();
    for (const style of Array.from(drawing.querySelectorAll('style'))) style.remove();
    drawing.classList.add('plot-drawing');
    // A plain href too, so every browser and tool reads the anchors as links.
    for (const anchor of Array.from(drawing.querySelectorAll('a'))) {
      const href = hrefOf(anchor);
      if (href) anchor.setAttribute('href', href);
      // Plot puts a mark's aria-label on the shape; the link is what is focused and read.
      const shape = anchor.firstElementChild;
      const label = shape?.getAttribute('aria-label');
      if (label && !anchor.hasAttribute('aria-label')) {
        anchor.setAttribute('aria-label', label);
        shape?.removeAttribute('aria-label');
      }
    }
    // Plot names its groups ('rule', 'x-axis tick'); a name on a plain group is not allowed by ARIA.
    for (const group of Array.from(drawing.querySelectorAll('g[aria-label]'))) {
      group.setAttribute('data-mark', group.getAttribute('aria-label') ?? '');
      group.removeAttribute('aria-label');
    }
    box.current?.replaceChildren(drawing);
    return () => drawing.remove();
  }, deps);
  const onClick = (event: MouseEvent): void => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest('a');
    const href = anchor ? hrefOf(anchor) : null;
    if (!href) return;
    event.preventDefault();
    if (href.startsWith('#')) {
      const target = document.getElementById(decodeURIComponent(href.slice(1)));
      target?.scrollIntoView({ block: 'center' });
      target?.focus();
      history.replaceState(null, '', href);
    } else if (href.startsWith('/')) {
      navigate(href);
    }
  };
  // The box only passes on clicks of the links inside it; the links themselves take the keyboard.
  return <div ref={box} class={className} onClick={onClick} />;
}
