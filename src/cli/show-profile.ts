import { loadPolicy } from '../policy/load-policy.js';
import { reportCliError } from './report-cli-error.js';
import { describeNeeds, listUnproxiedRows } from './unproxied-rows.js';

/** `profiles show NAME`: the resolved rules with provenance, the inactive ones, and the unproxied rows. */
export async function showProfile(
  dirs: readonly string[],
  name: string,
  opts: { set: Record<string, string>; json: boolean },
): Promise<number> {
  let policy;
  let unproxied;
  try {
    policy = await loadPolicy({ dir: dirs, profiles: [name], parameters: opts.set });
    unproxied = await listUnproxiedRows(dirs, policy);
  } catch (err) {
    return reportCliError(err);
  }
  const view = {
    profiles: policy.profiles,
    parameters: policy.parameters,
    rules: policy.rules.map((r) => ({
      rule: `${r.profile}/${r.id}`,
      hosts: r.hosts,
      cidrs: r.cidrs,
      ports: r.ports,
      ...(r.paths ? { paths: r.paths } : {}),
      ...(r.servicetags ? { servicetags: r.servicetags } : {}),
      ...(r.protocol ? { protocol: r.protocol } : {}),
      purpose: r.purpose,
      provenance: r.provenance,
      privateDestinations: r.privateDestinations === true,
    })),
    inactive: policy.inactive,
    unproxied,
  };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
    return 0;
  }
  const out: string[] = [
    `profiles: ${policy.profiles.join(', ')}`,
    `parameters: ${JSON.stringify(policy.parameters)}`,
    '',
  ];
  for (const r of view.rules) {
    const what = [...r.hosts, ...r.cidrs].join(' ');
    out.push(
      `${r.rule}  ${what}  ports ${r.ports.join(',')}${r.paths ? `  paths ${r.paths.join(',')}` : ''}${r.protocol ? `  protocol ${r.protocol}` : ''}${r.servicetags ? `  servicetags ${r.servicetags.join(',')}` : ''}`,
    );
    const p = r.provenance;
    out.push(
      `    ${r.purpose}${r.purpose ? ' — ' : ''}doc ${p.document}${p.section ? `, ${p.section}` : ''}${p.entry ? `: ${p.entry}` : ''}`,
    );
    if (r.privateDestinations) {
      out.push(
        '    your own servers: these names may resolve to private addresses (never metadata or loopback)',
      );
    }
  }
  if (view.inactive.length) {
    out.push('', 'inactive with these parameters:');
    for (const r of view.inactive) out.push(`  ${r.profile}/${r.id}: ${r.why}`);
  }
  if (unproxied.length) {
    out.push(
      '',
      'not proxied (open these on the firewall itself; egressgate profiles export prints the rules):',
    );
    for (const u of unproxied) {
      const where = u.destinations.length > 0 ? u.destinations.join(' ') : `(${describeNeeds(u.needs)})`;
      out.push(
        `  ${u.profile}/${u.id}  ${u.protocol} ${where}  ports ${u.ports.join(',') || 'any'}  ${u.purpose}`,
      );
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
