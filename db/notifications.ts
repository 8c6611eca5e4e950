/**
 * Wakes a projector when events are appended: LISTEN on the channel the event log's trigger notifies
 * at each commit (db/migrations/010). The connection is its own, outside any pool, and comes back by
 * itself with backoff after the server restarts; the projector's poll covers the gap meanwhile.
 */
import pg from 'pg';

export const APPENDS_CHANNEL = 'program_events';

export interface AppendListener {
  /** Settles once the first LISTEN is in place. */
  listening: Promise<void>;
  stop(): Promise<void>;
}

export function listenForAppends(
  connectionString: string,
  onAppend: () => void,
  onError: (error: unknown) => void = (e) => console.error('listening for appended events failed:', e),
): AppendListener {
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let backoffMs = 500;
  let markListening = (): void => {};
  const listening = new Promise<void>((resolve) => (markListening = resolve));

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString });
    next.on('notification', () => onAppend());
    next.on('error', (error) => {
      onError(error);
      reconnectLater(next);
    });
    next.on('end', () => reconnectLater(next));
    client = next;
    try {
      await next.connect();
      await next.query(`LISTEN ${APPENDS_CHANNEL}`);
      backoffMs = 500;
      markListening();
      onAppend(); // whatever was appended while not listening
    } catch (error) {
      onError(error);
      reconnectLater(next);
    }
  };

  const reconnectLater = (failed: pg.Client): void => {
    if (stopped || client !== failed) return;
    client = null;
    failed.end().catch(() => {});
    retry = setTimeout(() => void connect(), backoffMs);
    backoffMs = Math.min(backoffMs * 2, 30_000);
  };

  void connect();
  return {
    listening,
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      const current = client;
      client = null;
      await current?.end().catch(() => {});
    },
  };
}
