import { get } from 'node:http';

/**
 * GETs `url` on a fresh connection (no keep-alive: a reused socket the server is closing would
 * fail the request) and returns its body; gives up after `ms` so a stalled server cannot stall
 * the bench.
 * @throws on a non-2xx status, a network error or the timeout.
 */
export function fetchText(url: string, ms = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, timeout: ms }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => void (body += chunk));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(body);
        else reject(new Error(`bench: GET ${url} answered ${status}`));
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`bench: GET ${url} timed out after ${ms} ms`)));
    req.on('error', reject);
  });
}
