// Browser mode: the same backend over HTTP on 127.0.0.1, for machines without the Electron
// binary. Every request must carry the per-launch token (header for API calls, or the cookie
// the tokenised URL sets for the page, its assets and the event stream).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Reply } from '../api/contract';
import type { WorkbenchEvent } from '../api/events';
import { APP_CSP } from '../vocabulary/csp';
import { jsonNestingDepth } from './json-nesting';
import { STATIC_CONTENT_TYPES } from '../vocabulary/content-types';

export interface BackendEndpoint {
  call(method: string, input: unknown): Promise<Reply<unknown>>;
  subscribe(listener: (event: WorkbenchEvent) => void): () => void;
}

export interface ServerOptions {
  backend: BackendEndpoint;
  /** Folder of the built renderer (index.html and assets). */
  staticDir: string;
  port?: number;
  /** Fixed token for tests; a random one otherwise. */
  token?: string;
}

export interface RunningServer {
  url: string;
  /** The URL to open: it carries the token once, the page keeps it for the session. */
  launchUrl: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const COOKIE = 'workbench_token';
const MAX_BODY_BYTES = 20 * 1024 * 1024;
/** No API input nests deeper than a config with a few arrays; far below any stack limit. */
const MAX_BODY_DEPTH = 64;
const SECURITY_HEADERS = {
  'content-security-policy': APP_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  let port = options.port ?? 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'internal', message: String(err) } });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A page on another origin can resolve a name to 127.0.0.1 (DNS rebinding): accept only our own host names.
    if (!isLocalHost(req.headers.host, port)) return sendJson(res, 403, deny('forbidden host'));
    const url = parseRequestUrl(req.url, port);
    if (!url) return sendJson(res, 400, badRequest('the request path is not a valid URL'));
    const urlToken = url.searchParams.get('token');
    const authorised = tokenMatches(token, req.headers['x-workbench-token']) || tokenMatches(token, readCookie(req, COOKIE)) || tokenMatches(token, urlToken);
    if (!authorised) {
      // A person opening the bare address gets a page that says what to do, not raw JSON.
      if (req.method === 'GET' && !url.pathname.startsWith('/api/') && /text\/html/.test(req.headers.accept ?? '')) return sendNoTokenPage(res);
      return sendJson(res, 401, deny('missing or wrong token: open the URL printed at launch'));
    }

    if (url.pathname === '/api/events' && req.method === 'GET') return streamEvents(req, res);
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return sendJson(res, 405, deny('API calls are POST'));
      // Cookies ride along on cross-site requests; API calls must prove they know the token.
      if (!tokenMatches(token, req.headers['x-workbench-token'])) return sendJson(res, 401, deny('API calls need the x-workbench-token header'));
      const body = await readJsonBody(req);
      if (!body.ok) return sendJson(res, 400, badRequest(body.message));
      const reply = await options.backend.call(url.pathname.slice('/api/'.length), body.value);
      return sendJson(res, 200, reply);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, deny('method not allowed'));
    const cookie: Record<string, string> = urlToken ? { 'set-cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/` } : {};
    return serveStatic(res, url.pathname, cookie);
  }

  function streamEvents(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(': connected\n\n');
    const unsubscribe = options.backend.subscribe((event) => res.write(`data: ${JSON.stringify(event)}\n\n`));
    // Idle connections through some proxies close after a minute; a comment keeps them open.
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
    });
  }

  async function serveStatic(res: ServerResponse, pathname: string, extraHeaders: Record<string, string>): Promise<void> {
    const root = normalize(options.staticDir + sep);
    const decoded = decodePath(pathname);
    if (decoded === null) return sendJson(res, 400, badRequest(`the path ${clip(pathname)} is not valid percent-encoding`));
    let file = normalize(join(root, decoded));
    if (!file.startsWith(root)) return sendJson(res, 403, deny('path outside the app'));
    const info = await stat(file).catch(() => null);
    // Unknown paths fall back to the app shell (client-side views).
    if (!info || info.isDirectory()) file = join(root, 'index.html');
    const content = await readFile(file).catch(() => null);
    if (!content) {
      return sendJson(res, 503, deny(`the UI is not built: run \`npm run build:renderer\` (looked in ${options.staticDir})`));
    }
    res.writeHead(200, { ...SECURITY_HEADERS, ...extraHeaders, 'content-type': STATIC_CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(content);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('server did not bind a TCP port');
  port = address.port;
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    launchUrl: `${url}?token=${token}`,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function badRequest(message: string) {
  return { ok: false, error: { code: 'bad-request', message } };
}

function parseRequestUrl(raw: string | undefined, port: number): URL | null {
  try {
    return new URL(raw ?? '/', `http://127.0.0.1:${port}`);
  } catch {
    return null;
  }
}

/** `decodeURIComponent`, or null where the path is not valid percent-encoding (`/%`). */
function decodePath(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return null;
  }
}

/** Echoes of request text stay one short line. */
function clip(text: string, max = 80): string {
  return text.length <= max ? `'${text}'` : `'${text.slice(0, max)}…' (${text.length} characters)`;
}

function deny(message: string) {
  return { ok: false, error: { code: 'unavailable', message } };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function isLocalHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

function tokenMatches(expected: string, given: string | string[] | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

async function readJsonBody(req: IncomingMessage): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return { ok: false, message: `request body over ${MAX_BODY_BYTES} bytes` };
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return { ok: true, value: {} };
  const depth = jsonNestingDepth(text);
  if (depth > MAX_BODY_DEPTH) return { ok: false, message: `request body nests ${depth} levels deep; at most ${MAX_BODY_DEPTH} are accepted` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, message: 'request body is not valid JSON' };
  }
}

const NO_TOKEN_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>NTP+RL Workbench: open the printed link</title></head>
<body style="font: 14px/1.5 system-ui, sans-serif; max-width: 640px; margin: 64px auto; padding: 0 16px">
<h1 style="font-size: 20px">Open the link printed by the server</h1>
<p data-testid="no-token">This address needs the per-launch access token. Open the link that <code>npm run serve</code> (or <code>npm start</code>) printed in its terminal, of the form <code>http://127.0.0.1:PORT/?token=...</code>. The token changes with every launch, so an old link or bookmark stops working when the server restarts.</p>
</body></html>`;

function sendNoTokenPage(res: ServerResponse): void {
  res.writeHead(401, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" });
  res.end(NO_TOKEN_PAGE);
}
