/**
 * The benchmarks' HTTP client: `node:http` over kept-alive connections, as a load tool sends its
 * requests. Not `fetch`: its own work per request (WHATWG streams and headers, about 0.25 ms on this
 * machine's kind) is the caller's, not the API's, and the reads are compared with their SQL sent by
 * `pg` over a connection kept open in the same way.
 */
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true });

export interface HttpAnswer {
  status: number;
  body: string;
}

export function request(method: 'GET' | 'POST', url: string, options: { token?: string; body?: unknown } = {}): Promise<HttpAnswer> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: http.OutgoingHttpHeaders = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(payload);
  }
  return new Promise((resolve, reject) => {
    const outgoing = http.request(url, { method, agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/** One GET as the caller waits for it, in milliseconds; anything but a 200 is an error. */
export async function timeRequest(url: string, token: string): Promise<number> {
  const started = performance.now();
  const answer = await request('GET', url, { token });
  if (answer.status !== 200) throw new Error(`${url} answered ${answer.status}`);
  return performance.now() - started;
}
