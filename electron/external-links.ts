// The only pages outside the app that it may open, in the user's browser: the paper it
// reproduces. Anything else a link or window.open asks for is refused. Exact origins and paths,
// never prefixes, so `https://arxiv.org.evil.example/` or `https://arxiv.org/abs/../x` do not pass.

const ALLOWED: readonly { origin: string; path: RegExp }[] = [
  { origin: 'https://arxiv.org', path: /^\/(abs|pdf|html)\/2510\.11495(v\d{1,2})?$/ },
];

export function isAllowedExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password || parsed.port) return false;
  return ALLOWED.some((a) => parsed.origin === a.origin && a.path.test(parsed.pathname));
}
