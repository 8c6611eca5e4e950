/**
 * A real SMTP server for the tests: maildev, run as its own process on free ports, read through its
 * REST API. `stop()` and `start()` take it down and bring it back on the same ports (an outage).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

// The dev dependency's own command line (its package exports no path to it).
const maildevBin = fileURLToPath(new URL('../../node_modules/maildev/dist/bin/maildev.js', import.meta.url));

const receivedMailSchema = z.object({
  id: z.string(),
  subject: z.string(),
  to: z.array(z.object({ address: z.string() })),
  headers: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  text: z.string().optional(),
  html: z.string().optional(),
  attachments: z.array(z.object({ filename: z.string(), generatedFileName: z.string(), contentType: z.string() })).optional(),
});

export type ReceivedMail = z.infer<typeof receivedMailSchema> & { messageId: string };

export interface Inbox {
  smtpUrl: string;
  webUrl: string;
  /** Every message received, in the order received. */
  messages(): Promise<ReceivedMail[]>;
  /** Waits (in real time) until `predicate` holds for the messages received. */
  waitFor(predicate: (messages: ReceivedMail[]) => boolean, what: string, timeoutMs?: number): Promise<ReceivedMail[]>;
  attachment(mail: ReceivedMail, filename: string): Promise<Buffer>;
  /** Takes the server down: connections are refused until `start()`. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startMaildev(): Promise<Inbox> {
  const [smtpPort, webPort] = [await freePort(), await freePort()];
  // Mail is kept on disk, so what arrived before an outage is still listed after it.
  const mailDirectory = await mkdtemp(join(tmpdir(), 'maildev-'));
  const webUrl = `http://127.0.0.1:${webPort}`;
  let child: ChildProcess | null = null;

  const start = async (): Promise<void> => {
    if (child && child.exitCode === null) return; // running already
    const args = [
      '--smtp',
      String(smtpPort),
      '--web',
      String(webPort),
      '--ip',
      '127.0.0.1',
      '--web-ip',
      '127.0.0.1',
      '--mail-directory',
      mailDirectory,
      '--silent',
    ];
    const started = spawn(process.execPath, [maildevBin, ...args], { stdio: 'ignore' });
    child = started;
    // A minute at most: on a machine with every core busy, node takes a while to start maildev.
    for (let attempt = 0; attempt < 1200; attempt++) {
      if (started.exitCode !== null) throw new Error(`maildev exited with ${started.exitCode}`);
      try {
        if ((await fetch(`${webUrl}/api/healthz`)).ok && (await smtpAnswers(smtpPort))) return;
      } catch {
        // not up yet
      }
      await sleep(50);
    }
    throw new Error('maildev did not start');
  };

  const stop = async (): Promise<void> => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };

  const messages = async (): Promise<ReceivedMail[]> => {
    const response = await fetch(`${webUrl}/api/email`);
    const parsed = z.array(receivedMailSchema).parse(await response.json());
    return parsed.map((mail) => {
      const header = mail.headers['message-id'];
      return { ...mail, messageId: Array.isArray(header) ? (header[0] ?? '') : (header ?? '') };
    });
  };

  await start();
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    webUrl,
    messages,
    async waitFor(predicate, what, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const received = await messages();
        if (predicate(received)) return received;
        if (Date.now() > deadline) throw new Error(`the inbox never had ${what} (${received.length} messages)`);
        await sleep(100);
      }
    },
    async attachment(mail, filename) {
      // maildev stores each attachment under a name of its own.
      const stored = mail.attachments?.find((a) => a.filename === filename)?.generatedFileName ?? filename;
      const response = await fetch(`${webUrl}/api/email/${mail.id}/attachment/${encodeURIComponent(stored)}`);
      if (!response.ok) throw new Error(`attachment ${filename}: ${response.status}`);
      return Buffer.from(await response.arrayBuffer());
    },
    stop,
    start,
    close: stop,
  };
}

/** Whether an SMTP greeting comes from the port (the web API may be up a moment before it). */
async function smtpAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(1_000);
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('220'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
