import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let ticksPerSecond: number | null = null;

interface ProcStat {
  readonly ppid: number;
  /** utime + stime of the process, all its threads, in ticks. */
  readonly own: number;
  /** cutime + cstime: children that have exited and been waited for, in ticks. */
  readonly reaped: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name, which may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [ppid, utime, stime, cutime, cstime] = [1, 11, 12, 13, 14].map((i) => Number(fields[i]));
    if (![ppid, utime, stime, cutime, cstime].every((n) => Number.isFinite(n))) return null;
    return { ppid: ppid ?? 0, own: (utime ?? 0) + (stime ?? 0), reaped: (cutime ?? 0) + (cstime ?? 0) };
  } catch {
    return null;
  }
}

/**
 * CPU time (user + system, all threads) a process has used so far, from /proc/PID/stat. On a shared
 * machine wall-clock rates swing with other load; CPU spent per connection or per GiB does much less,
 * so the suites report both. Returns null where /proc is unavailable.
 */
export function readCpuSeconds(pid: number): number | null {
  const stat = readStat(pid);
  if (stat === null) return null;
  ticksPerSecond ??= readTicksPerSecond();
  return stat.own / ticksPerSecond;
}

/**
 * The same for a proxy and every process below it (workers, helpers, squid's kids), living or
 * already reaped: a multi-process proxy is charged for all of its processes, not only the first.
 */
export function readProcessTreeCpuSeconds(pid: number): number | null {
  const root = readStat(pid);
  if (root === null) return null;
  const children = new Map<number, number[]>();
  const stats = new Map<number, ProcStat>([[pid, root]]);
  for (const entry of fs.readdirSync('/proc')) {
    const child = Number(entry);
    if (!Number.isInteger(child) || child === pid) continue;
    const stat = readStat(child);
    if (stat === null) continue;
    stats.set(child, stat);
    const siblings = children.get(stat.ppid);
    if (siblings === undefined) children.set(stat.ppid, [child]);
    else siblings.push(child);
  }
  let ticks = 0;
  const queue = [pid];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    const stat = stats.get(next);
    // A child's reaped children are in its own cutime; once it is reaped, all of it is in its parent's.
    ticks += (stat?.own ?? 0) + (stat?.reaped ?? 0);
    queue.push(...(children.get(next) ?? []));
  }
  ticksPerSecond ??= readTicksPerSecond();
  return ticks / ticksPerSecond;
}

function readTicksPerSecond(): number {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
}
