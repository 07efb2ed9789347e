// Seeds of one config share a group key (hash of the config without the seed). Grouping turns a
// selection of runs into groups, labelled by what sets them apart from each other.
import type { RunSummary } from './runs';
import { diffConfigs, formatScalar, type ConfigDiffRow } from './config-paths';

export interface RunGroup {
  groupKey: string;
  runs: RunSummary[];
  label: string;
}

/** Groups in order of first appearance; runs inside a group by seed. */
export function groupRuns(runs: readonly RunSummary[]): RunGroup[] {
  const byKey = new Map<string, RunSummary[]>();
  for (const run of runs) {
    const list = byKey.get(run.groupKey);
    if (list) list.push(run);
    else byKey.set(run.groupKey, [run]);
  }
  const groups = [...byKey.entries()].map(([groupKey, list]) => ({
    groupKey,
    runs: list.sort((a, b) => a.seed - b.seed || a.id - b.id),
    label: '',
  }));
  const labels = groupLabels(groups.map((g) => g.runs));
  groups.forEach((g, i) => (g.label = labels[i]));
  return groups;
}

/**
 * A label per group: the config keys that differ between groups (seed excluded), e.g.
 * `p_cot=0.1 · algorithm=star`; with a single group, its first run's name without a seed suffix.
 */
export function groupLabels(groups: readonly (readonly RunSummary[])[]): string[] {
  const rows = diffConfigs(groups.map((g) => g[0]?.config)).filter((r) => r.path !== 'seed');
  return groups.map((runs, i) => {
    const n = runs.length;
    const seeds = `${n} seed${n === 1 ? '' : 's'}`;
    if (rows.length === 0 || groups.length === 1) {
      const base = (runs[0]?.name ?? 'group').replace(/[\s_-]*(seed|s)[=\s]?\d+$/i, '');
      return `${base} (${seeds})`;
    }
    const parts = rows.slice(0, 4).map((r) => `${r.path.split('.').pop()}=${formatScalar(r.values[i])}`);
    return `${parts.join(' · ')} (${seeds})`;
  });
}

/** How the configs of line units (runs or seed groups) differ; a group's seed cell lists its seeds, `{0,2}`. */
export function unitConfigDiff(units: readonly (readonly RunSummary[])[]): ConfigDiffRow[] {
  return diffConfigs(
    units.map((runs) => (runs.length > 1 ? { ...runs[0].config, seed: `{${runs.map((r) => r.seed).join(',')}}` } : runs[0]?.config)),
  );
}
