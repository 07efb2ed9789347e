import { describe, expect, it } from 'vitest';
import { EMPTY_SLURM_FIELDS, slurmFieldErrors, slurmOptionsFromForm } from './slurm-form';

describe('slurm form', () => {
  it('sends only the fields that were filled, typed', () => {
    const result = slurmOptionsFromForm({
      ...EMPTY_SLURM_FIELDS,
      partition: ' gpu ', time: '1-12:00', cpusPerTask: '8', gpus: 'a100:2', extra: '#SBATCH --mem=16G\n\n--qos=high\n',
    });
    expect(result).toEqual({
      ok: true,
      options: { partition: 'gpu', time: '1-12:00', cpusPerTask: 8, gpus: 'a100:2', extra: ['#SBATCH --mem=16G', '--qos=high'] },
    });
    expect(slurmOptionsFromForm(EMPTY_SLURM_FIELDS)).toEqual({ ok: true, options: {} });
  });

  it('names each bad field', () => {
    const result = slurmOptionsFromForm({ ...EMPTY_SLURM_FIELDS, time: 'two hours', cpusPerTask: '1.5', gpus: 'lots' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors).sort()).toEqual(['cpusPerTask', 'gpus', 'time']);
  });

  it("says what the backend's schema says (the one rule for the form, the CLI's flags and the API)", () => {
    const result = slurmOptionsFromForm({ ...EMPTY_SLURM_FIELDS, time: 'soon', cpusPerTask: 'four' });
    expect(result).toEqual({ ok: false, errors: { time: 'time must be like 30, 2:00:00 or 1-12:00', cpusPerTask: 'CPUs per task must be a whole number from 1 to 4096' } });
  });

  it('maps backend option errors onto form fields', () => {
    expect(slurmFieldErrors([{ path: 'options.time', message: 'bad' }, { path: 'ntp.steps', message: 'x' }])).toEqual({ time: 'bad' });
  });
});
