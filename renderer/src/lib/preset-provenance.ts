// How a run launched from a preset is named and tagged. Untouched, it is the preset's run: the
// preset's name and its study's tag, so the study's table and figure find it. Edited (a changed
// field, or a sweep over anything but the seed), it is a different experiment: it must not pass
// for the preset in a tag filter or a study figure, yet stay findable from it, so it is named
// "<preset> (edited)" and tagged "<group> (edited)" (a search for the preset still matches it).
import type { ExperimentConfig } from '../../../vocabulary/experiment-config';
import { flattenConfig, type Scalar } from '../../../vocabulary/config-paths';

export interface PresetLike {
  name: string;
  group: string;
  config: ExperimentConfig;
}

export interface Provenance {
  edited: boolean;
  /** Dotted paths whose value differs from the preset's (sweep axes included), sorted. */
  changed: string[];
  /** The config's `name` (the run name's prefix). */
  configName: string;
  tag: string;
}

/** Paths where the launch config differs from the preset; the config name is not an edit. */
export function changedPaths(preset: ExperimentConfig, config: unknown, sweepPaths: readonly string[] = []): string[] {
  const before = flattenConfig(preset);
  const after = flattenConfig(config);
  const changed = new Set<string>();
  for (const path of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (path === 'name') continue;
    if (!sameScalar(before[path], after[path])) changed.add(path);
  }
  // Seeds of one config are the same experiment (they share a group key).
  for (const path of sweepPaths) if (path !== 'seed') changed.add(path);
  return [...changed].sort();
}

export function provenance(preset: PresetLike, config: unknown, sweepPaths: readonly string[] = []): Provenance {
  const changed = changedPaths(preset.config, config, sweepPaths);
  const edited = changed.length > 0;
  return {
    edited,
    changed,
    configName: edited ? `${preset.name} (edited)` : preset.name,
    tag: edited ? `${preset.group} (edited)` : preset.group,
  };
}

function sameScalar(a: Scalar | undefined, b: Scalar | undefined): boolean {
  // A number field cleared in the form reads as undefined: treat as a change, not equality.
  return a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));
}
