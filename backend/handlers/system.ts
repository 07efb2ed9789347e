import { cpus } from 'node:os';
import type { Handlers } from '../dispatch';
import type { ServiceContext } from '../context';
import { probeBackends } from '../backends';
import { PRESETS } from '../../paper/presets';
import { studyPresets } from '../../paper/studies';
import { validateConfig } from '../../vocabulary/experiment-config';

type SystemHandlers = Pick<Handlers, 'system/info' | 'system/backends' | 'presets/list' | 'config/validate'>;

export function systemHandlers(ctx: ServiceContext): SystemHandlers {
  return {
    'system/info': () => ({
      appVersion: ctx.options.appVersion ?? '0.0.0',
      mode: ctx.options.mode,
      storePath: ctx.store.path,
      platform: process.platform,
      arch: process.arch,
      cpus: cpus().length,
      nodeVersion: process.versions.node,
      electronVersion: process.versions.electron ?? null,
    }),
    'system/backends': () => probeBackends(),
    // The headline presets first, then one group per study of the paper.
    'presets/list': () => [...PRESETS, ...studyPresets()].map((p) => ({ ...p })),
    'config/validate': ({ config }) => {
      const result = validateConfig(config);
      return result.ok ? { ok: true, errors: [], config: result.config } : { ok: false, errors: result.errors, config: null };
    },
  } satisfies SystemHandlers;
}
