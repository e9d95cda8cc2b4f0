import { readFileSync } from 'node:fs';

/** What Linux's /proc says a process has used so far. */
export interface ProcUsage {
  /** User + system CPU, seconds. */
  cpuSeconds: number;
  /** Bytes passed to read/write system calls (for a server: nearly all of it socket traffic). */
  readBytes: number;
  writtenBytes: number;
}

/** USER_HZ: the unit of /proc/<pid>/stat times; 100 on every mainstream Linux. */
const CLOCK_TICKS = 100;

/**
 * Reads a process's CPU time (/proc/<pid>/stat) and I/O (/proc/<pid>/io) from outside it, so a
 * server too busy to answer its own /metrics can still be measured. Undefined off Linux or once
 * the process is gone.
 */
export function readProcUsage(pid: number): ProcUsage | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at state: utime is the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    const field = (name: string): number => Number(new RegExp(`^${name}: (\\d+)`, 'm').exec(io)?.[1] ?? Number.NaN);
    return { cpuSeconds, readBytes: field('rchar'), writtenBytes: field('wchar') };
  } catch {
    return undefined;
  }
}

/** CPU seconds the whole machine has spent (all cores), split by what ran. */
export interface MachineCpu {
  /** Running processes: user, nice, system, and steal (time a hypervisor gave to someone else). */
  processes: number;
  /** Hardware and soft interrupts: on a loopback benchmark, mostly the kernel moving packets. */
  interrupts: number;
}

/** Reads the machine's CPU time so far from /proc/stat; undefined off Linux. */
export function readMachineCpu(): MachineCpu | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    return { processes: (user! + nice! + system! + steal!) / CLOCK_TICKS, interrupts: (irq! + softirq!) / CLOCK_TICKS };
  } catch {
    return undefined;
  }
}
