// Runs the trainer in an Electron utility process (a Node process Electron manages), adapted to
// the supervisor's TrainerChild shape.
import { utilityProcess } from 'electron';
import type { SpawnTrainer, TrainerChild } from '../trainer/process/supervisor';

export function utilityProcessSpawner(entry: string): SpawnTrainer {
  return (): TrainerChild => {
    const child = utilityProcess.fork(entry, [], { serviceName: 'NTP+RL trainer', stdio: 'inherit' });
    return {
      get pid() {
        return child.pid;
      },
      send: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', listener),
      onExit: (listener) => child.on('exit', (code) => listener(code, null)),
      kill: () => void child.kill(),
    };
  };
}
