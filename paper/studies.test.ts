import { describe, expect, it } from 'vitest';
import { validateConfig } from '../vocabulary/experiment-config';
import { getPreset } from './presets';
import { checkpointSteps, CONTINUED_SAMPLE_FACTOR, getStudies, getStudy, pickCheckpoint, rlSamples, STANDARD_NTP_STEPS, studyPresets, STUDY_NAMES, STUDY_SCALES } from './studies';

describe('studies', () => {
  it.each(STUDY_SCALES)('every %s config validates and every branch names an earlier NTP run', (scale) => {
    const studies = getStudies(scale);
    expect(studies.map((s) => s.name)).toEqual([...STUDY_NAMES]);
    for (const study of studies) {
      const seen = new Map<string, boolean>();
      for (const run of study.runs) {
        const checked = validateConfig(run.config);
        expect(checked.ok ? [] : checked.errors.map((e) => `${study.name}/${run.label}: ${e.message}`)).toEqual([]);
        if (run.branch) {
          expect(seen.get(run.branch.fromLabel), `${study.name}/${run.label} branches from ${run.branch.fromLabel}`).toBe(false);
          expect(checked.ok && checked.config.ntp.steps).toBe(0);
          expect(checked.ok && checked.config.rl).not.toBeNull();
        }
        seen.set(run.label, run.branch !== undefined);
        expect(run.seeds.length).toBeGreaterThan(0);
      }
      const labels = new Set(study.runs.map((r) => r.label));
      for (const claim of study.claims) {
        const named = JSON.stringify(claim.rule).match(/"(?:label|better|worse)":"([^"]+)"/g) ?? [];
        for (const m of named) expect(labels.has(m.split(':"')[1]!.slice(0, -1)), `${study.name}: ${m}`).toBe(true);
      }
    }
  });

  it('follows the headline preset at standard scale with 3 seeds, NTP longer in the same schedule family', () => {
    const headline = getPreset('headline')!.config;
    const study = getStudy('ntp-vs-rl', 'standard')!;
    const ntp = validateConfig(study.runs[0]!.config);
    expect(ntp.ok && ntp.config.task).toEqual(headline.task);
    expect(ntp.ok && ntp.config.model).toEqual(headline.model);
    expect(ntp.ok && ntp.config.ntp).toEqual({ ...headline.ntp, steps: STANDARD_NTP_STEPS, evalEvery: 100, checkpointEvery: STANDARD_NTP_STEPS / 20 });
    expect(study.runs[0]!.seeds).toEqual([0, 1, 2]);
    expect(study.runs[1]!.branch?.rlOverrides.algorithm).toBe(headline.rl!.algorithm);
    // NTP continued gets ten times the RL phase's samples as extra NTP steps, same schedule.
    const continued = validateConfig(study.runs[2]!.config);
    expect(CONTINUED_SAMPLE_FACTOR).toBe(10);
    expect(continued.ok && continued.config.ntp.steps).toBe(STANDARD_NTP_STEPS + Math.ceil((10 * rlSamples(headline.rl!)) / headline.ntp.batchSize));
    expect(continued.ok && continued.config.ntp.schedule).toBe(headline.ntp.schedule);
  });

  it('paper scale: d=50, depth 4 x width 256 from the paper\'s grid, ~1e7 NTP samples, 3 seeds', () => {
    const study = getStudy('ntp-vs-rl', 'paper')!;
    const ntp = validateConfig(study.runs[0]!.config);
    if (!ntp.ok) throw new Error(JSON.stringify(ntp.errors));
    expect(ntp.config.task).toMatchObject({ kind: 'parity', d: 50, p_cot: 0.25 });
    expect(ntp.config.model).toMatchObject({ layers: 4, width: 256 });
    const samples = ntp.config.ntp.steps * ntp.config.ntp.batchSize;
    expect(samples).toBeGreaterThanOrEqual(1e7);
    expect(samples).toBeLessThan(1.1e7);
    expect(study.runs[0]!.seeds).toEqual([0, 1, 2]);
  });

  it('rl-start branches at p_cot 0.01 from early, middle, late and last; temperature adds STaR at 1 and 1.5', () => {
    const rlStart = getStudy('rl-start', 'quick')!;
    const rare = rlStart.runs.filter((r) => r.branch?.fromLabel === 'ntp-p=0.01');
    expect(rare.map((r) => r.branch!.checkpoint)).toEqual(['early', 'middle', 'late', 'last']);
    expect((rlStart.runs.find((r) => r.label === 'ntp-p=0.01')!.config.task as { p_cot: number }).p_cot).toBe(0.01);
    const star = getStudy('temperature', 'quick')!.runs.filter((r) => r.branch?.rlOverrides.algorithm === 'star');
    expect(star.map((r) => [r.label, r.branch!.rlOverrides.temperature, r.branch!.rlOverrides.reward])).toEqual([
      ['star/tau=1', 1, 'end-to-end'],
      ['star/tau=1.5', 1.5, 'end-to-end'],
    ]);
  });

  it('quick is small and --seeds overrides the seed list', () => {
    for (const study of getStudies('quick')) {
      for (const run of study.runs) {
        const c = validateConfig(run.config);
        // 450 for NTP continued: 250 steps plus ten times the RL phase's 1,280 samples.
        expect(c.ok && c.config.ntp.steps).toBeLessThanOrEqual(450);
        expect(c.ok && (c.config.rl?.steps ?? 0)).toBeLessThanOrEqual(40);
      }
    }
    expect(getStudies('quick', 2)[0]!.runs[0]!.seeds).toEqual([0, 1]);
  });

  it('threshold spans p_cot 0.1..0.5 and temperature 0.75..1.5', () => {
    const p = getStudy('threshold', 'quick')!.runs.map((r) => (r.config.task as { p_cot: number }).p_cot);
    expect(p).toEqual([0.1, 0.2, 0.3, 0.35, 0.4, 0.5]);
    const taus = getStudy('temperature', 'quick')!.runs.filter((r) => r.branch && r.branch.rlOverrides.algorithm === 'grpo').map((r) => r.branch!.rlOverrides.temperature);
    expect(taus).toEqual([0.75, 1, 1.5]);
  });

  it('picks checkpoints by their share of the NTP steps', () => {
    const cps = checkpointSteps({ steps: 200, checkpointEvery: 10 }).map((step, id) => ({ id, step }));
    expect(cps.length).toBe(20);
    expect(pickCheckpoint(cps, 'early', 200)!.step).toBe(20);
    expect(pickCheckpoint(cps, 'middle', 200)!.step).toBe(100);
    expect(pickCheckpoint(cps, 'late', 200)!.step).toBe(160);
    expect(pickCheckpoint(cps, 'last', 200)!.step).toBe(200);
    expect(pickCheckpoint([], 'last', 200)).toBeUndefined();
    expect(checkpointSteps({ steps: 50, checkpointEvery: 0 })).toEqual([50]);
  });

  it('studyPresets are valid, uniquely named and grouped by study title', () => {
    const presets = studyPresets();
    expect(new Set(presets.map((p) => p.name)).size).toBe(presets.length);
    expect(new Set(presets.map((p) => p.group))).toEqual(new Set(getStudies('standard').map((s) => s.title)));
    for (const p of presets) expect(validateConfig(p.config).ok).toBe(true);
    // A branched run becomes NTP up to the picked checkpoint, then RL.
    const early = presets.find((p) => p.name === 'rl-start/rl-from-early')!;
    const headline = getPreset('headline')!.config;
    expect(early.config.ntp.steps).toBeLessThan(headline.ntp.steps);
    expect(early.config.rl?.algorithm).toBe(headline.rl!.algorithm);
    expect(presets.find((p) => p.name === 'multiplication/ntp')!.config.task.kind).toBe('multiplication');
  });
});
