import os from 'node:os';
import path from 'node:path';

const APP_DIR = 'ntp-rl-workbench';

/** The OS user-data folder for the app (not created here). */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_DIR);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_DIR);
  return path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), APP_DIR);
}

/** Where runs live unless told otherwise: WORKBENCH_DB, else <user data>/runs.sqlite. */
export function defaultStorePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.WORKBENCH_DB || path.join(userDataDir(env), 'runs.sqlite');
}
