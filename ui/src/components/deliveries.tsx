/**
 * Delivery you can see, on the program page's notices: each recipient's e-mail delivered, waiting
 * (and why) or failed (GET /v1/programs/{id}/deliveries), HR's resends, and for HR a button that
 * sends the notice again to whoever has not received it (POST /v1/notices/{id}/resend).
 */
import type { JSX } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiProblem, getJson } from '../api.js';
import type { NoticeDeliveries, NoticeResend, RecipientDelivery } from '../api-types.js';
import { formatInstant } from '../format.js';

const ROLE_LABELS: Record<string, string> = {
  trainee: 'Trainee',
  supervisor: 'Supervisor',
  'program-manager': 'Program manager',
  'agency-hr': 'Agency HR',
  das: 'DAS',
};

const STATE_LABELS: Record<RecipientDelivery['state'], string> = { delivered: 'Delivered', waiting: 'Waiting', failed: 'Failed' };

/** The program's deliveries by notice, and a way to read them again after a resend. */
export function useDeliveries(programId: string): { byNotice: Map<string, NoticeDeliveries>; reload: () => void } {
  const [byNotice, setByNotice] = useState<Map<string, NoticeDeliveries>>(new Map());
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    getJson<{ items: NoticeDeliveries[] }>(`/v1/programs/${encodeURIComponent(programId)}/deliveries`)
      .then(({ items }) => live && setByNotice(new Map(items.map((n) => [n.noticeId, n]))))
      .catch(() => undefined); // the notices still show; delivery is added when it can be read
    return () => {
      live = false;
    };
  }, [programId, round]);
  return { byNotice, reload: useCallback(() => setRound((r) => r + 1), []) };
}

export function NoticeDelivery({
  noticeId,
  subject,
  deliveries,
  mayResend,
  onResent,
}: {
  noticeId: string;
  subject: string;
  deliveries: NoticeDeliveries | undefined;
  mayResend: boolean;
  onResent: () => void;
}): JSX.Element | null {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; problem: boolean } | null>(null);
  if (!deliveries || deliveries.recipients.length === 0) return null;
  const open = deliveries.recipients.some((r) => r.state !== 'delivered');

  const resend = async (): Promise<void> => {
    setBusy(true);
    setMessage(null);
    try {
      const answer = await getJson<NoticeResend>(`/v1/notices/${encodeURIComponent(noticeId)}/resend`, { method: 'POST', json: {} });
      setMessage({ text: resendMessage(answer), problem: false });
      onResent();
    } catch (error) {
      setMessage({ text: error instanceof ApiProblem ? error.message : 'The notice could not be sent again.', problem: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="notice-delivery">
      <ul class="deliveries" aria-label={`Delivery of “${subject}”`}>
        {deliveries.recipients.map((r) => (
          <li key={`${r.role}/${r.ref}`} class={`delivery delivery-${r.state}`}>
            {ROLE_LABELS[r.role] ?? r.role} ({r.ref}): <span class={`badge badge-delivery-${r.state}`}>{STATE_LABELS[r.state]}</span>
            {r.reason && ` — ${r.reason}`}
            {r.deliveredAt && ` — ${formatInstant(r.deliveredAt)}`}
          </li>
        ))}
      </ul>
      {deliveries.resends.length > 0 && (
        <p class="hint">Sent again by {deliveries.resends.map((r) => `${r.resentBy} on ${formatInstant(r.resentAt)}`).join('; ')}.</p>
      )}
      {mayResend && open && (
        <p>
          <button type="button" class="button button-secondary" onClick={() => void resend()} disabled={busy}>
            {busy ? 'Sending…' : 'Send again'}
            <span class="visually-hidden"> “{subject}” to those who have not received it</span>
          </button>
        </p>
      )}
      {message && (
        <p class={message.problem ? 'field-error' : 'status status-info'} role={message.problem ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
    </div>
  );
}

function resendMessage({ outcome, recipients }: NoticeResend): string {
  switch (outcome) {
    case 'delivered':
      return 'Sent again: every recipient has the notice now.';
    case 'nothing-to-send':
      return 'Every recipient had the notice already; nobody was sent a second copy.';
    case 'failed':
      return 'Sent again, but a mail server refused it.';
    case 'waiting': {
      const waiting = recipients
        .filter((r) => r.state === 'waiting')
        .map((r) => `${ROLE_LABELS[r.role] ?? r.role} (${r.ref}): ${r.reason ?? 'waiting'}`);
      return `Still waiting: ${waiting.join('; ')}.`;
    }
  }
}
