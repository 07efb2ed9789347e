// A real single-node Slurm cluster for tests: munged with its own key, slurmctld and slurmd with a
// generated slurm.conf, all state in one temporary folder. Needs root and Debian's slurm-wlm and
// munge; `clusterUnavailable()` says why a test must skip, in one line.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const DAEMONS = { munged: '/usr/sbin/munged', slurmctld: '/usr/sbin/slurmctld', slurmd: '/usr/sbin/slurmd' } as const;
const CLIENTS = ['sbatch', 'squeue', 'scancel', 'sinfo', 'scontrol'];

/** Why a real cluster cannot start here, or null when it can. */
export function clusterUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'the test cluster runs its daemons as root (SlurmUser=root); this process is not root';
  for (const [name, file] of Object.entries(DAEMONS)) {
    if (!fs.existsSync(file)) return `${name} is not installed (${file}); apt-get install slurm-wlm munge`;
  }
  for (const name of CLIENTS) {
    if (spawnSync('sh', ['-c', `command -v ${name}`]).status !== 0) return `${name} is not on PATH; apt-get install slurm-wlm`;
  }
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface LocalClusterOptions {
  /** Extra slurm.conf lines (e.g. a MinJobAge for a test). */
  extraConf?: string[];
}

export class LocalCluster {
  private readonly daemons: ChildProcess[] = [];

  private constructor(
    /** Temporary folder holding the key, the config, state, spool and logs. */
    readonly dir: string,
    readonly confPath: string,
    readonly nodeName: string,
    readonly cpus: number,
  ) {}

  /** Environment for Slurm clients (sbatch, squeue, ...) talking to this cluster. */
  get env(): NodeJS.ProcessEnv {
    return { ...process.env, SLURM_CONF: this.confPath };
  }

  /** Starts munged, slurmctld and slurmd and waits until the node is idle (throws with the logs if not). */
  static async start(opts: LocalClusterOptions = {}): Promise<LocalCluster> {
    const why = clusterUnavailable();
    if (why) throw new Error(`cannot start a test cluster: ${why}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wb-slurm-'));
    for (const sub of ['munge', 'state', 'spool', 'log']) fs.mkdirSync(path.join(dir, sub), { mode: 0o700 });
    const keyFile = path.join(dir, 'munge', 'munge.key');
    fs.writeFileSync(keyFile, randomBytes(1024), { mode: 0o400 });
    const socket = path.join(dir, 'munge', 'munge.socket');
    const nodeName = os.hostname().split('.')[0];
    const cpus = os.cpus().length;
    const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
    const conf = [
      'ClusterName=workbench-test',
      `SlurmctldHost=${nodeName}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      `AuthInfo=socket=${socket}`,
      'AuthType=auth/munge',
      'CredType=cred/munge',
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'JobCompType=jobcomp/filetxt',
      `JobCompLoc=${path.join(dir, 'log', 'jobcomp.txt')}`,
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'ReturnToService=2',
      'MpiDefault=none',
      'SwitchType=switch/none',
      // Finished jobs stay visible to scontrol for an hour: the test cluster has no accounting database.
      'MinJobAge=3600',
      'SchedulerType=sched/backfill',
      `StateSaveLocation=${path.join(dir, 'state')}`,
      `SlurmdSpoolDir=${path.join(dir, 'spool')}`,
      `SlurmctldPidFile=${path.join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${path.join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${path.join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${path.join(dir, 'log', 'slurmd.log')}`,
      ...(opts.extraConf ?? []),
      `NodeName=${nodeName} NodeAddr=127.0.0.1 CPUs=${cpus} State=UNKNOWN`,
      `PartitionName=debug Nodes=${nodeName} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n');
    const confPath = path.join(dir, 'slurm.conf');
    fs.writeFileSync(confPath, conf);
    const cluster = new LocalCluster(dir, confPath, nodeName, cpus);
    try {
      cluster.spawnDaemon(DAEMONS.munged, ['--foreground', '--force', `--socket=${socket}`, `--key-file=${keyFile}`,
        `--pid-file=${path.join(dir, 'munge', 'munged.pid')}`, `--seed-file=${path.join(dir, 'munge', 'seed')}`,
        `--log-file=${path.join(dir, 'log', 'munged.log')}`]);
      await cluster.waitFor('munged to open its socket', () => fs.existsSync(socket));
      cluster.spawnDaemon(DAEMONS.slurmctld, ['-D', '-c', '-i', '-f', confPath]);
      cluster.spawnDaemon(DAEMONS.slurmd, ['-D', '-f', confPath, '-N', nodeName]);
      await cluster.waitFor('the node to become idle', () => {
        const r = spawnSync('sinfo', ['-h', '-N', '-o', '%t'], { env: cluster.env, encoding: 'utf8' });
        return r.status === 0 && r.stdout.trim() === 'idle';
      });
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  private spawnDaemon(file: string, args: string[]): void {
    const log = fs.openSync(path.join(this.dir, 'log', `${path.basename(file)}.stderr`), 'a');
    const child = spawn(file, args, { env: this.env, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    this.daemons.push(child);
  }

  private async waitFor(what: string, ready: () => boolean, timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const dead = this.daemons.find((d) => d.exitCode !== null || d.signalCode !== null);
      if (dead) throw new Error(`${dead.spawnfile} exited while waiting for ${what}:\n${this.logs()}`);
      if (ready()) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}:\n${this.logs()}`);
  }

  /** The tail of every daemon log, for error messages. */
  logs(): string {
    const logDir = path.join(this.dir, 'log');
    return fs.readdirSync(logDir).map((f) => {
      const text = fs.readFileSync(path.join(logDir, f), 'utf8').split('\n').slice(-15).join('\n');
      return `--- ${f}\n${text}`;
    }).join('\n');
  }

  /** Cancels what still runs (else its slurmstepd outlives slurmd), stops the daemons (slurmd first, munged last), removes the folder. */
  async stop(): Promise<void> {
    if (this.daemons.every((d) => d.exitCode === null && d.signalCode === null)) {
      spawnSync('scancel', ['--user=root'], { env: this.env });
      await this.waitFor('the jobs to end', () => {
        const r = spawnSync('squeue', ['-h', '-o', '%i'], { env: this.env, encoding: 'utf8' });
        return r.status !== 0 || r.stdout.trim() === '';
      }, 15_000).catch(() => undefined);
    }
    for (const d of [...this.daemons].reverse()) {
      if (d.exitCode !== null || d.signalCode !== null) continue;
      const exited = new Promise<void>((r) => d.once('exit', () => r()));
      d.kill('SIGTERM');
      const timer = setTimeout(() => d.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    this.daemons.length = 0;
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
