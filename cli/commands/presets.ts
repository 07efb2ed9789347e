// `workbench presets`: the named experiments, grouped by study.
import { PRESETS } from '../../paper/presets';
import { parseFlags } from '../args';

export const summary = 'list the experiment presets (--json for their full configs)';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write('usage: workbench presets [--json]\n');
    return 0;
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(PRESETS, null, 2)}\n`);
    return 0;
  }
  let group = '';
  for (const preset of PRESETS) {
    if (preset.group !== group) {
      group = preset.group;
      process.stdout.write(`\n${group}\n`);
    }
    process.stdout.write(`  ${preset.name.padEnd(24)} ${preset.description}\n`);
  }
  return 0;
}
