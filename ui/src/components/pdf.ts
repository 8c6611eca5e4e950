/**
 * A PDF the API serves (a notice, a program's summary): fetched with the token, since a plain link
 * would carry none, and kept as a blob URL for a link until the component goes.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiProblem, send } from '../api.js';

export interface Pdf {
  /** The blob URL once fetched, for a link or a window. */
  url: string | null;
  busy: boolean;
  /** Why the last fetch failed, in words for the page. */
  problem: string | null;
  /** Fetches it; resolves to its URL, or null when it failed (the problem says why). */
  fetch(): Promise<string | null>;
}

export function usePdf(path: string, what: string): Pdf {
  const [url, setUrl] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(
    () => () => {
      if (url) URL.revokeObjectURL(url);
    },
    [url],
  );
  const fetchPdf = async (): Promise<string | null> => {
    setBusy(true);
    setProblem(null);
    try {
      const response = await send(path, { accept: 'application/pdf' });
      const fetched = URL.createObjectURL(await response.blob());
      setUrl(fetched);
      return fetched;
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error.message : `The ${what} could not be fetched.`);
      return null;
    } finally {
      setBusy(false);
    }
  };
  return { url, busy, problem, fetch: fetchPdf };
}
