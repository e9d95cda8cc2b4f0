import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';

/** What a benchmark ran on, recorded next to its numbers. */
export interface MachineInfo {
  os: string;
  cpuModel: string;
  cpus: number;
  totalMemGiB: number;
  node: string;
  date: string;
  /** 1, 5 and 15 minute load averages when the run started (a busy machine skews everything). */
  loadAvg: number[];
}

/** Describes this machine and the current date (ISO 8601). */
export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    os: `${osType()} ${release()}`,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpus: list.length,
    totalMemGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    date: new Date().toISOString(),
    loadAvg: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
