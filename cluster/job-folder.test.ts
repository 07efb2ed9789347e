// Job folders from run graphs, without a cluster: what is written, what is refused, and that the
// scripts survive awkward names when bash runs them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getPreset } from '../paper/presets';
import { getStudies } from '../paper/studies';
import { parseConfig } from '../vocabulary/experiment-config';
import type { RunGraph } from '../vocabulary/run-graph';
import { slurmOptionsFrom } from '../cli/slurm-submit';
import { UsageError } from '../cli/args';
import { createJobFolder } from './job-folder';
import { planStudies } from '../paper/study-graph';
import { readManifest } from './manifest';
import { expandIndices } from './slurm';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wb-jobfolder-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const tiny = getPreset('tiny')!.config;
const ntp = parseConfig({ ...tiny, ntp: { ...tiny.ntp, steps: 20, checkpointEvery: 10 }, rl: null });
const rl = parseConfig({ ...tiny, ntp: { ...tiny.ntp, steps: 0 } });

describe('createJobFolder', () => {
  it('writes one array for the roots and one per parent for its branches, parents first', () => {
    const graph: RunGraph = {
      runs: [
        { key: 'rl-early', name: 'rl early', config: rl, tags: [], branch: { from: 'ntp', phase: 'ntp', step: 10 } },
        { key: 'ntp', name: 'ntp', config: ntp, tags: ['a'], branch: null },
        { key: 'rl-late', name: 'rl late', config: rl, tags: [], branch: { from: 'ntp', phase: 'ntp', step: 20 } },
        { key: 'other', name: 'other', config: ntp, tags: [], branch: null },
      ],
    };
    const jobDir = path.join(dir, 'job');
    createJobFolder({ graph, dir: jobDir, name: 'test', options: { partition: 'gpu', time: '2:00:00', cpusPerTask: 4, gpus: 'a100:1', account: 'lab', extra: ['--mem=8G', '#SBATCH --qos=short'] } });
    const manifest = readManifest(jobDir);
    expect(manifest.tasks.map((t) => [t.key, t.branch])).toEqual([['ntp', null], ['other', null], ['rl-early', { parent: 0, step: 10 }], ['rl-late', { parent: 0, step: 20 }]]);
    expect(manifest.arrays.map((a) => [a.tasks, a.after])).toEqual([[[0, 1], null], [[2, 3], 0]]);
    const roots = fs.readFileSync(path.join(jobDir, manifest.arrays[0]!.script), 'utf8');
    for (const line of ['--array=0-1', '--partition=gpu', '--time=2:00:00', '--cpus-per-task=4', '--gpus-per-task=a100:1', '--account=lab', '--mem=8G', '--qos=short']) {
      expect(roots).toContain(`#SBATCH ${line}\n`);
    }
    expect(roots).not.toContain('slurm prepare');
    expect(fs.readFileSync(path.join(jobDir, manifest.arrays[1]!.script), 'utf8')).toContain('slurm prepare');
    // A root's config is ready to train; a branch's is written on the node, after its parent.
    expect(fs.existsSync(path.join(jobDir, manifest.tasks[0]!.dir, 'config.json'))).toBe(true);
    expect(fs.existsSync(path.join(jobDir, manifest.tasks[2]!.dir, 'config.json'))).toBe(false);
  });

  it('refuses a branch from a step its parent never checkpoints, naming the run, and writes nothing', () => {
    const graph: RunGraph = {
      runs: [
        { key: 'ntp', name: 'ntp', config: ntp, tags: [], branch: null },
        { key: 'rl', name: 'rl', config: rl, tags: [], branch: { from: 'ntp', phase: 'ntp', step: 15 } },
      ],
    };
    const jobDir = path.join(dir, 'job');
    expect(() => createJobFolder({ graph, dir: jobDir, name: 'x', options: { extra: [] } })).toThrow(
      "run 'rl' branches from step 15 of 'ntp', which checkpoints at steps 10, 20",
    );
    expect(fs.existsSync(jobDir)).toBe(false);
  });

  it('refuses a folder that already holds something', () => {
    fs.writeFileSync(path.join(dir, 'x'), '');
    expect(() => createJobFolder({ graph: { runs: [{ key: 'a', name: 'a', config: ntp, tags: [], branch: null }] }, dir, name: 'x', options: { extra: [] } })).toThrow(/already exists and is not empty/);
  });

  it("quotes names and paths so that bash reads them back unchanged", () => {
    const name = `it's "odd" $HOME \`x\``;
    const jobDir = path.join(dir, "job with 'quotes'");
    createJobFolder({ graph: { runs: [{ key: 'a', name, config: ntp, tags: [], branch: null }] }, dir: jobDir, name: 'q', options: { extra: [] } });
    const script = fs.readFileSync(path.join(jobDir, 'scripts', 'roots.sbatch'), 'utf8');
    // Everything up to the first command that needs the cluster, then print what it set.
    const head = script.slice(0, script.indexOf('echo "task'));
    const r = spawnSync('bash', ['-c', `${head}\nprintf '%s\\n' "\${NAMES[0]}" "$TASK_DIR"`], { env: { ...process.env, SLURM_ARRAY_TASK_ID: '0' }, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${name}\n${path.join(jobDir, 'tasks', '000')}\n`);
  });

  it("turns every tiny study into a job folder whose branches start at checkpoints their parents save", () => {
    const { graph } = planStudies(getStudies('tiny'), ['reproduce']);
    const manifest = createJobFolder({ graph, dir: path.join(dir, 'studies'), name: 'studies', options: { extra: [] } });
    const branches = manifest.tasks.filter((t) => t.branch);
    expect(branches.length).toBeGreaterThan(0);
    expect(manifest.arrays.length).toBe(1 + new Set(branches.map((t) => t.branch!.parent)).size);
  });
});

describe('slurm option flags and Slurm index lists', () => {
  it('names the flag whose value is wrong', () => {
    expect(() => slurmOptionsFrom({ time: 'two hours' })).toThrow(new UsageError('--time: time must be like 30, 2:00:00 or 1-12:00'));
    expect(() => slurmOptionsFrom({ cpus: '0' })).toThrow(/^--cpus: /);
    expect(() => slurmOptionsFrom({ sbatch: ['--mem=4G\n--evil'] })).toThrow(/^--sbatch: each extra #SBATCH line must be one line/);
    expect(slurmOptionsFrom({ cpus: '4', gpus: '1' })).toEqual({ cpusPerTask: 4, gpus: '1', extra: [] });
  });

  it('expands array index lists with ranges and a %limit', () => {
    expect(expandIndices('0-2,5%4')).toEqual([0, 1, 2, 5]);
    expect(expandIndices('7')).toEqual([7]);
  });
});
