/**
 * Downloads of what the API serves as CSV: the request carries the token (so it cannot be a plain
 * link), and the answer is handed to the browser as a file under the name the server gave it.
 */
import { send } from './api.js';

export async function downloadCsv(path: string, fallbackName: string): Promise<void> {
  const response = await send(path, { accept: 'text/csv' });
  const named = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1];
  const url = URL.createObjectURL(await response.blob());
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = named ?? fallbackName;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    // The browser has taken the file once the click is handled.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}
