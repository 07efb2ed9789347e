// `workbench reproduce` end to end on the seconds-scale (--tiny) study: real trainer processes, a
// real store file, the branched RL run, the tags, the report and the claim table.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../db';
import type { ExperimentConfig } from '../../vocabulary/experiment-config';
import type { ReproduceJson } from '../reproduce-report';
import { runCliInProcess } from '../testing/run-in-process';

let dir: string;

const workbench = (...args: string[]) => runCliInProcess(args);

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-reproduce-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('workbench reproduce', () => {
  it('refuses an unknown study and bad seeds without touching the store', async () => {
    const db = path.join(dir, 'none.sqlite');
    const bad = await workbench('reproduce', 'nope', '--db', db);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown study 'nope'");
    expect((await workbench('reproduce', 'threshold', '--seeds', '0', '--db', db)).code).toBe(2);
    const scale = await workbench('reproduce', 'threshold', '--scale', 'huge', '--db', db);
    expect([scale.code, scale.stderr]).toEqual([2, expect.stringContaining("--scale takes one of quick, standard, paper, got 'huge'")]);
    const two = await workbench('reproduce', 'threshold', '--quick', '--scale', 'paper', '--db', db);
    expect([two.code, two.stderr]).toEqual([2, expect.stringContaining('give one scale, got --scale paper and --quick')]);
    expect((await workbench('reproduce', '--fresh', '--reuse', '--db', db)).code).toBe(2);
    expect(fs.existsSync(db)).toBe(false);
  });

  it('--help names the scales, --json and --fresh', async () => {
    const help = await workbench('reproduce', '--help');
    expect(help.code).toBe(0);
    for (const word of ['--scale S', 'standard (default)', 'paper: d=50', '--quick', '--json', '--fresh']) expect(help.stdout).toContain(word);
  });

  it('runs ntp-vs-rl: NTP, RL branched from its last checkpoint, NTP continued; report and claim table', async () => {
    const db = path.join(dir, 'runs.sqlite');
    const out = path.join(dir, 'report.html');
    const r = await workbench('reproduce', 'ntp-vs-rl', '--tiny', '--db', db, '--out', out);
    expect(r.code, r.stderr).toBe(0);

    // The claim table on stdout: a header and one row per claim of the study, each with a verdict.
    const rows = r.stdout.trim().split('\n');
    expect(rows[0]).toBe('| study | claim (SCIENCE.md) | measured | verdict |');
    expect(rows.slice(2)).toHaveLength(4);
    for (const row of rows.slice(2)) expect(row).toMatch(/^\| ntp-vs-rl \| .+ \| .+ \| \*\*(PASS|FAIL)\*\* \|$/);
    expect(r.stderr).toMatch(/\[2\/3\] ntp-vs-rl\/ntp\+rl seed=0: run 2 from checkpoint #\d+ \(step 12\) of run 1/);

    const store = openStore(db);
    try {
      const runs = store.listRuns({ order: 'id-asc', summaryKeys: 'all' });
      expect(runs.map((x) => [x.name, x.status])).toEqual([
        ['ntp-vs-rl/ntp seed=0', 'completed'],
        ['ntp-vs-rl/ntp+rl seed=0', 'completed'],
        ['ntp-vs-rl/ntp-continued seed=0', 'completed'],
      ]);
      for (const x of runs) expect(x.tags).toContain('study:ntp-vs-rl');
      const [ntp, rl, continued] = runs.map((x) => x.config as ExperimentConfig) as [ExperimentConfig, ExperimentConfig, ExperimentConfig];
      // The RL run starts from the parent's final NTP checkpoint and has no NTP of its own.
      const last = store.listCheckpoints(runs[0]!.id).filter((c) => c.phase === 'ntp').at(-1)!;
      expect(last.step).toBe(ntp.ntp.steps);
      expect(rl.ntp.steps).toBe(0);
      expect(rl.rl?.fromCheckpoint).toEqual({ runId: runs[0]!.id, checkpointId: last.id });
      expect([runs[1]!.parentRunId, runs[1]!.parentCheckpointId]).toEqual([runs[0]!.id, last.id]);
      expect(runs[1]!.metrics['reward']?.count).toBeGreaterThan(0);
      // NTP continued sees ten times the RL phase's samples as extra NTP steps.
      const rlSamples = rl.rl!.steps * rl.rl!.promptsPerStep * rl.rl!.groupSize;
      expect(continued.ntp.steps).toBe(ntp.ntp.steps + Math.ceil((10 * rlSamples) / ntp.ntp.batchSize));
      expect(runs[2]!.lastStep).toBe(continued.ntp.steps);
    } finally {
      store.close();
    }

    const html = fs.readFileSync(out, 'utf8');
    expect(html).toContain('<h2>Claim table</h2>');
    expect(html).toContain('NTP followed by RL reaches about 100%');
    expect(html).toContain('ntp-vs-rl/ntp+rl seed=0');
    expect(html).toMatch(/class="verdict (pass|fail)"/);
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(5);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);

    // --reuse finds every run in the store: nothing is trained again, the claim table is the same.
    const again = await workbench('reproduce', 'ntp-vs-rl', '--tiny', '--reuse', '--db', db, '--out', out);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(r.stdout);
    expect(again.stderr).toContain('reusing run 2');
    const after = openStore(db);
    try {
      expect(after.listRuns({}).length).toBe(3);
    } finally {
      after.close();
    }

    // --json: one JSON document on stdout (the table goes to stderr), every claim per seed, the stamps.
    const json = await workbench('reproduce', 'ntp-vs-rl', '--tiny', '--json', '--db', db, '--out', out);
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout) as ReproduceJson;
    expect(json.stderr).toContain('| study | claim (SCIENCE.md) | measured | verdict |');
    expect(doc.scale).toBe('tiny');
    expect(doc.studies.map((x) => [x.name, x.runs.map((m) => `${m.label}#${m.seed}`)])).toEqual([['ntp-vs-rl', ['ntp#0', 'ntp+rl#0', 'ntp-continued#0']]]);
    expect(doc.claims.map((c) => c.id)).toEqual(['ntp-chance', 'ntp-calibrated', 'rl-solves', 'rl-beats-ntp']);
    const table = r.stdout.trim().split('\n').slice(2);
    doc.claims.forEach((c, i) => {
      expect(table[i]).toContain(`**${c.verdict}**`);
      expect(c.rule).toBe('passes only when its rule holds for every seed');
      expect(c.seeds!.map((x) => x.seed)).toEqual([0]);
      expect(c.aggregate!.length).toBeGreaterThan(0);
    });
    const rlRun = doc.studies[0]!.runs.find((m) => m.label === 'ntp+rl')!;
    const solves = doc.claims.find((c) => c.id === 'rl-solves')!;
    expect(solves.seeds![0]!.values['ntp+rl greedy accuracy']).toBe(rlRun.greedyAccuracy);
    expect(rlRun.rolloutMeanLength!.length).toBeGreaterThan(0);
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    expect(doc.stamps).toMatchObject({ commit: head, seeds: [0], cpus: os.cpus().length });
    expect(doc.stamps!.backends.length).toBeGreaterThan(0);
    expect(doc.stamps!.coreBudget).toBeGreaterThan(0);
    expect(Object.values(doc.verdicts).reduce((a, b) => a + b, 0)).toBe(4);
    const report = fs.readFileSync(out, 'utf8');
    expect(report).toContain(`Commit <code>${head.slice(0, 12)}`);
    expect(report).toContain('passes only when its rule holds for every seed');
  }, 120_000);
});
