import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, isAppUrl, mainWindowOptions } from './window-options';

describe('main window security', () => {
  it('isolates the renderer from Node', () => {
    const prefs = mainWindowOptions('/app/preload.js').webPreferences!;
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.preload).toBe('/app/preload.js');
  });

  it('has a CSP that allows only the app itself', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self';");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:|\*/);
  });

  it('allows navigation only within the app', () => {
    expect(isAppUrl('http://localhost:5173/#/compare', 'http://localhost:5173/')).toBe(true);
    expect(isAppUrl('https://example.com/', 'http://localhost:5173/')).toBe(false);
    expect(isAppUrl('file:///app/index.html', 'file:///app/index.html')).toBe(true);
    expect(isAppUrl('file:///etc/passwd', 'file:///app/index.html')).toBe(false);
    expect(isAppUrl('not a url', 'file:///app/index.html')).toBe(false);
  });
});
