import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { createWorkbenchService, type WorkbenchService } from './service';
import { startServer, type RunningServer } from './http-server';
import { APP_CSP } from '../vocabulary/csp';

let dir: string;
let service: WorkbenchService;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'workbench-http-'));
  const staticDir = join(dir, 'ui');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>workbench</title>');
  service = await createWorkbenchService({ storePath: join(dir, 'runs.sqlite'), mode: 'browser' });
  server = await startServer({ backend: service, staticDir });
});

afterAll(async () => {
  await server.close();
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(new URL(path, server.url), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('browser-mode server', () => {
  it('serves the UI only with the token, and sets a cookie for the page', async () => {
    expect((await fetch(server.url)).status).toBe(401);
    const withToken = await fetch(server.launchUrl);
    expect(withToken.status).toBe(200);
    expect(withToken.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(withToken.headers.get('content-security-policy')).toBe(APP_CSP);
    const cookie = withToken.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect((await fetch(new URL('/runs/3', server.url), { headers: { cookie: cookie.split(';')[0]! } })).status).toBe(200);
  });

  it('answers API calls with the token header and refuses them without it', async () => {
    const ok = await post('/api/system/info', {}, { 'x-workbench-token': server.token });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, data: { mode: 'browser' } });
    expect((await post('/api/runs/start', { config: {} })).status).toBe(401);
    // The page's cookie alone is not enough for API calls: cross-site requests carry cookies too.
    const cookieOnly = await post('/api/runs/list', {}, { cookie: `workbench_token=${server.token}` });
    expect(cookieOnly.status).toBe(401);
    const listed = await post('/api/runs/list', {}, { 'x-workbench-token': server.token });
    expect(await listed.json()).toEqual({ ok: true, data: [] });
  });

  it('rejects bad input with the field and reason', async () => {
    const reply = await (await post('/api/runs/get', { id: -1 }, { 'x-workbench-token': server.token })).json();
    expect(reply.ok).toBe(false);
    expect(reply.error.code).toBe('bad-request');
    expect(reply.error.fieldErrors[0].path).toBe('id');
    const unknown = await (await post('/api/runs/explode', {}, { 'x-workbench-token': server.token })).json();
    expect(unknown.error).toMatchObject({ code: 'not-found' });
  });

  it('refuses other Host headers (DNS rebinding)', async () => {
    const status = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () => {
        socket.write(`GET /?token=${server.token} HTTP/1.1\r\nHost: evil.example:${server.port}\r\nConnection: close\r\n\r\n`);
      });
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('end', () => resolve(data.split('\r\n')[0]!));
      socket.on('error', reject);
    });
    expect(status).toContain('403');
  });

  it('listens on 127.0.0.1 only', async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (!external) return; // a machine with loopback only has nothing else to refuse on
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(server.port, external.address);
      socket.on('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.on('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });
});

describe('browser-mode server: bad requests', () => {
  const api = (method: string, body: unknown) => post(`/api/${method}`, body, { 'x-workbench-token': server.token });
  const stillAnswers = async () => {
    const info = await api('system/info', {});
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({ ok: true, data: { mode: 'browser' } });
  };

  it('answers 400 to a path that is not valid percent-encoding', async () => {
    for (const path of ['/%', '/%E0%A4%A', '/assets/%zz']) {
      const res = await fetch(new URL(`${path}?token=${server.token}`, server.url));
      expect(res.status, path).toBe(400);
      expect((await res.json()).error.code).toBe('bad-request');
    }
    await stillAnswers();
  });

  it('answers not-found for unknown run ids in export/runs and export/report, naming them', async () => {
    for (const [method, input] of [
      ['export/runs', { ids: [987654], format: 'json' }],
      ['export/runs', { ids: [987654], format: 'csv' }],
      ['export/report', { ids: [987654, 987655] }],
    ] as const) {
      const reply = await (await api(method, input)).json();
      expect(reply.ok, method).toBe(false);
      expect(reply.error.code, method).toBe('not-found');
      expect(reply.error.message).toContain('987654');
    }
    await stillAnswers();
  });

  it('answers a field error for sweep paths and override keys that are not dotted names', async () => {
    for (const path of ['..', '.task', 'task.', 'task..d', '']) {
      const reply = await (await api('runs/start', { config: {}, sweep: [{ path, values: [1] }] })).json();
      expect(reply.ok, path).toBe(false);
      expect(reply.error.code, path).toBe('bad-request');
      expect(reply.error.fieldErrors[0].path, path).toBe('sweep.0.path');
    }
    const branch = await (await api('runs/branch', { checkpointId: 1, overrides: { '..': 1 } })).json();
    expect(branch.error.code).toBe('bad-request');
    expect(branch.error.fieldErrors[0].path).toMatch(/^overrides/);
    await stillAnswers();
  });

  it('answers 400 to a deeply nested body before parsing it', async () => {
    const depth = 100_000;
    const nested = `{"config":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
    const arrays = `{"config":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    for (const body of [nested, arrays]) {
      const res = await fetch(new URL('/api/runs/start', server.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-workbench-token': server.token },
        body,
      });
      expect(res.status).toBe(400);
      const reply = await res.json();
      expect(reply.error.code).toBe('bad-request');
      expect(reply.error.message).toMatch(/nest/);
    }
    // Brackets inside strings are text, not nesting.
    const inString = await api('runs/list', { text: '['.repeat(150) });
    expect(inString.status).toBe(200);
    await stillAnswers();
  });
});
