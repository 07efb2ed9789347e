// The app:// protocol's path resolution and the external-link allow-list, without Electron.
import { mkdtempSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, contentTypeOf, resolveAppPath } from './app-protocol';
import { isAllowedExternalUrl } from './external-links';
import { isAppUrl } from './window-options';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'app-protocol-')));
mkdirSync(join(root, 'assets'));
writeFileSync(join(root, 'index.html'), '<!doctype html>');
writeFileSync(join(root, 'assets', 'index.js'), '');
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('app:// protocol', () => {
  it('serves the entry page and the built assets', () => {
    expect(resolveAppPath(root, APP_ENTRY_URL)).toBe(join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://workbench/')).toBe(join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://workbench/assets/index.js?v=1#x')).toBe(join(root, 'assets', 'index.js'));
    expect(resolveAppPath(root, 'app://workbench/assets/a%20b.js')).toBe(join(root, 'assets', 'a b.js'));
    expect(contentTypeOf('x/index.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('x/blob')).toBe('application/octet-stream');
  });

  it('refuses encoded traversal, backslashes, NUL and anything that is not app://workbench/', () => {
    for (const url of [
      'app://workbench/assets/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
      'app://workbench/..%2f..%2fetc%2fpasswd',
      'app://workbench/assets%5c..%5c..%5csecret',
      'app://workbench/index.html%00.js',
      'app://workbench/%',
      'app://other/index.html',
      'file:///etc/passwd',
      'https://workbench/index.html',
      'not a url',
    ]) {
      expect(resolveAppPath(root, url), url).toBeNull();
    }
  });

  it('keeps plain dot segments inside the renderer folder (the URL parser folds them first)', () => {
    expect(resolveAppPath(root, 'app://workbench/../../etc/passwd')).toBe(join(root, 'etc', 'passwd'));
    expect(resolveAppPath(root, 'app://workbench/%2e%2e/%2e%2e/etc/passwd')).toBe(join(root, 'etc', 'passwd'));
    expect(resolveAppPath(root, 'app://workbench//etc/passwd')).toBe(join(root, 'etc', 'passwd'));
    expect(resolveAppPath(root, 'app://workbench/assets/../../../index.html')).toBe(join(root, 'index.html'));
  });

  it('counts app://workbench pages as the app, and nothing on another scheme or host', () => {
    expect(isAppUrl('app://workbench/index.html#/compare', APP_ENTRY_URL)).toBe(true);
    expect(isAppUrl('app://evil/index.html', APP_ENTRY_URL)).toBe(false);
    expect(isAppUrl('https://workbench/index.html', APP_ENTRY_URL)).toBe(false);
    expect(isAppUrl('file:///index.html', APP_ENTRY_URL)).toBe(false);
    expect(isAppUrl('about:blank', APP_ENTRY_URL)).toBe(false);
  });
});

describe('external links', () => {
  it('opens only the paper, by exact origin and path', () => {
    expect(isAllowedExternalUrl('https://arxiv.org/abs/2510.11495')).toBe(true);
    expect(isAllowedExternalUrl('https://arxiv.org/pdf/2510.11495v2')).toBe(true);
    for (const url of [
      'https://example.com/',
      'http://arxiv.org/abs/2510.11495',
      'https://arxiv.org.evil.example/abs/2510.11495',
      'https://evil.example/?https://arxiv.org/abs/2510.11495',
      'https://user@arxiv.org/abs/2510.11495',
      'https://arxiv.org:8443/abs/2510.11495',
      'https://arxiv.org/abs/2510.11495/../../other',
      'https://arxiv.org/abs/9999.99999',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(isAllowedExternalUrl(url), url).toBe(false);
    }
  });
});
