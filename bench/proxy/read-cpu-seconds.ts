import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let ticksPerSecond: number | null = null;

/**
 * CPU time (user + system, all threads) a process has used so far, from /proc/PID/stat. On a shared
 * machine wall-clock rates swing with other load; CPU spent per connection or per GiB does much less,
 * so the suites report both. Returns null where /proc is unavailable.
 */
export function readCpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name, which may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
    ticksPerSecond ??= readTicksPerSecond();
    return (utime + stime) / ticksPerSecond;
  } catch {
    return null;
  }
}

/**
 * CPU time of a process and all its descendants (egressgate's workers: N forks N workers). Children
 * are found by their parent pid in /proc/PID/stat; a child that exited between two readings drops
 * out, so this is only for process trees that live through the measurement.
 */
export function readProcessTreeCpuSeconds(pid: number): number | null {
  const own = readCpuSeconds(pid);
  if (own === null) return null;
  let total = own;
  for (const child of childPids(pid)) total += readProcessTreeCpuSeconds(child) ?? 0;
  return total;
}

function childPids(parent: number): number[] {
  const children: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

function readTicksPerSecond(): number {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
}
