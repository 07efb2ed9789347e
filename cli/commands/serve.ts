// Browser mode: the whole app on http://127.0.0.1 with a per-launch token.
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseFlags } from '../args';
import { defaultStorePath, startBrowserMode } from '../service-session';

export const summary = 'serve the workbench UI in a browser on 127.0.0.1 (prints the URL with its token)';

const HELP = `usage: workbench serve [--port N] [--db FILE]

Starts the backend and serves the UI on 127.0.0.1 only. Open the printed URL: it carries the
per-launch token; requests without it get 401.
  --port N    port to listen on (default 5199; 0 picks a free one)
  --db FILE   run store (default ${defaultStorePath()})`;

export const STATIC_DIR = join(fileURLToPath(new URL('../../', import.meta.url)), '.vite', 'renderer', 'main_window');

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { port: { type: 'string' }, db: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const port = values.port === undefined ? 5199 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got ${values.port}`);
  if (!existsSync(join(STATIC_DIR, 'index.html'))) {
    process.stderr.write(`note: the UI is not built yet (${STATIC_DIR}); run \`npm run build:renderer\`\n`);
  }
  const server = await startBrowserMode({ storePath: values.db ?? defaultStorePath(), staticDir: STATIC_DIR, port, token: process.env.WORKBENCH_TOKEN });
  process.stdout.write(`Workbench (browser mode) at ${server.launchUrl}\n`);
  process.stderr.write(`store: ${server.storePath}\n`);
  await new Promise<void>((resolve) => {
    const shutdown = () => resolve();
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
  await server.close();
  return 0;
}
