/**
 * A tiny SMTP server that answers as told: for the refusals maildev cannot give (a recipient's
 * mailbox refused for good, a sender refused). Enough of RFC 5321 for nodemailer; no extensions.
 */
import { createServer, type Socket } from 'node:net';

export interface StubRules {
  /** The reply to MAIL FROM; 250 by default. */
  mailFrom?: string;
  /** The reply to RCPT TO for an address; 250 by default. */
  rcptTo?: (address: string) => string | undefined;
}

export interface SmtpStub {
  url: string;
  /** Every message taken, with its recipients. */
  received: { to: string[]; data: string }[];
  close(): Promise<void>;
}

export async function startSmtpStub(rules: StubRules = {}): Promise<SmtpStub> {
  const received: SmtpStub['received'] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffer = '';
    let inData = false;
    let data: string[] = [];
    let to: string[] = [];
    const reply = (line: string): void => void socket.write(`${line}\r\n`);
    reply('220 stub.test ESMTP');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            received.push({ to, data: data.join('\n') });
            reply('250 2.0.0 queued');
          } else data.push(line);
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') reply('250 stub.test');
        else if (verb === 'MAIL') {
          to = [];
          reply(rules.mailFrom ?? '250 2.1.0 OK');
        } else if (verb === 'RCPT') {
          const address = /<([^>]*)>/.exec(line)?.[1] ?? '';
          const answer = rules.rcptTo?.(address) ?? '250 2.1.5 OK';
          if (answer.startsWith('2')) to.push(address);
          reply(answer);
        } else if (verb === 'DATA') {
          inData = true;
          data = [];
          reply('354 end with <CRLF>.<CRLF>');
        } else if (verb === 'RSET' || verb === 'NOOP') reply('250 OK');
        else if (verb === 'QUIT') {
          reply('221 bye');
          socket.end();
        } else reply('502 5.5.2 not implemented');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `smtp://127.0.0.1:${address.port}`,
    received,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
