import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APP_CSP, APP_CSP_META, REPORT_CSP_META, cspMetaTag } from './csp';

const directive = (policy: string, name: string) => policy.split('; ').find((d) => d.startsWith(`${name} `));

describe('the one CSP', () => {
  it('lets the app load only itself', () => {
    expect(directive(APP_CSP, 'default-src')).toBe("default-src 'self'");
    expect(directive(APP_CSP, 'script-src')).toBe("script-src 'self'");
    expect(directive(APP_CSP, 'object-src')).toBe("object-src 'none'");
    expect(directive(APP_CSP, 'frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(APP_CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });

  it('is the same policy in the meta tag, less the directives a meta tag cannot carry', () => {
    expect(APP_CSP_META).not.toContain('frame-ancestors');
    expect(APP_CSP.split('; ').filter((d) => !d.startsWith('frame-ancestors'))).toEqual(APP_CSP_META.split('; '));
  });

  it('lets a report run nothing and load nothing outside itself', () => {
    expect(directive(REPORT_CSP_META, 'default-src')).toBe("default-src 'none'");
    expect(directive(REPORT_CSP_META, 'script-src')).toBe("script-src 'none'");
    expect(REPORT_CSP_META).not.toMatch(/'self'|unsafe-eval|https?:/);
    expect(cspMetaTag(REPORT_CSP_META)).toBe(`<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP_META}">`);
  });

  it('has no copy of its own in the page source: the build writes it', () => {
    const html = readFileSync(new URL('../renderer/index.html', import.meta.url), 'utf8');
    expect(html).not.toMatch(/<meta[^>]+Content-Security-Policy/i);
  });
});
