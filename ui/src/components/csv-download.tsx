/** A button that downloads what the API serves as CSV, and says so when it cannot. */
import type { ComponentChildren, JSX } from 'preact';
import { useState } from 'preact/hooks';
import { downloadCsv } from '../download.js';
import { messageOf } from './page.js';

export function CsvDownloadButton({
  path,
  filename,
  children,
}: {
  path: string;
  filename: string;
  children: ComponentChildren;
}): JSX.Element {
  const [state, setState] = useState<{ busy: boolean; failed: string | null }>({ busy: false, failed: null });
  const download = (): void => {
    setState({ busy: true, failed: null });
    downloadCsv(path, filename)
      .then(() => setState({ busy: false, failed: null }))
      .catch((error: unknown) => setState({ busy: false, failed: messageOf(error) }));
  };
  return (
    <span class="csv-download">
      <button type="button" class="button button-secondary" onClick={download} disabled={state.busy}>
        {children}
      </button>
      <span aria-live="polite">{state.failed && <span class="field-error"> The download failed: {state.failed}</span>}</span>
    </span>
  );
}
