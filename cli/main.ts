// `workbench <command> [...]`: each command lives in cli/commands/<name>.ts and returns its exit code.
import { pathToFileURL } from 'node:url';

interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  run: () => import('./commands/run'),
  presets: () => import('./commands/presets'),
  serve: () => import('./commands/serve'),
  list: () => import('./commands/list'),
  export: () => import('./commands/export'),
  import: () => import('./commands/import'),
  check: () => import('./commands/check'),
  reproduce: () => import('./commands/reproduce'),
  sweep: () => import('./commands/sweep'),
  collect: () => import('./commands/collect'),
  slurm: () => import('./commands/slurm'),
};

async function usage(): Promise<string> {
  const lines = ['usage: workbench <command> [options]    (workbench <command> --help for its options)', '', 'commands:'];
  for (const [name, load] of Object.entries(COMMANDS)) {
    const summary = await load().then((c) => c.summary, () => '(unavailable)');
    lines.push(`  ${name.padEnd(10)} ${summary}`);
  }
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${await usage()}\n`);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`workbench: unknown command '${name}'\n\n${await usage()}\n`);
    return 2;
  }
  try {
    return await (await load()).run(rest);
  } catch (err) {
    process.stderr.write(`workbench ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

// `node --import tsx cli/main.ts ...` (the npm scripts) runs it directly.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
