// The experiment a command starts from: --config FILE or --preset NAME (headline presets and the
// studies' presets), then --set key=value overrides. Validation is the caller's next step.
import { readFileSync } from 'node:fs';
import { getPreset } from '../paper/presets';
import { studyPresets } from '../paper/studies';
import { UsageError } from './args';
import { applyAssignment } from './set-value';

export interface ExperimentInputFlags {
  config?: string;
  preset?: string;
  set?: string[];
}

export function loadExperimentInput(flags: ExperimentInputFlags): object {
  if (flags.config && flags.preset) throw new UsageError('give either --config or --preset, not both');
  let config: object;
  if (flags.config) {
    try {
      config = JSON.parse(readFileSync(flags.config, 'utf8')) as object;
    } catch (err) {
      throw new UsageError(`cannot read config ${flags.config}: ${err instanceof Error ? err.message : String(err)}`);
    }
  } else if (flags.preset) {
    const preset = getPreset(flags.preset) ?? studyPresets().find((p) => p.name === flags.preset);
    if (!preset) throw new UsageError(`unknown preset '${flags.preset}' (workbench presets lists them)`);
    config = preset.config;
  } else {
    throw new UsageError('give --config FILE or --preset NAME');
  }
  for (const assignment of flags.set ?? []) config = applyAssignment(config, assignment);
  return config;
}
