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

function readTicksPerSecond(): number {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
}
