#!/usr/bin/env node
import { Command } from 'commander';
import { readPackageVersion } from '../observe/read-package-version.js';

// Each subcommand lives in its own file. Only the one being run is imported: a gateway process
// should not carry the lab's certificate code or the audit's renderers, and `check` should start fast.
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  check: async () => (await import('./check-command.js')).createCheckCommand(),
  profiles: async () => (await import('./profiles-command.js')).createProfilesCommand(),
  lint: async () => (await import('./lint-command.js')).createLintCommand(),
  audit: async () => (await import('./audit-command.js')).createAuditCommand(),
  servicetags: async () => (await import('./servicetags-command.js')).createServicetagsCommand(),
  serve: async () => (await import('./serve-command.js')).createServeCommand(),
  lab: async () => (await import('./lab-command.js')).createLabCommand(),
};

const program = new Command('egressgate')
  .description('Egress gateway that enforces vendor-documented allowlists by name and port')
  .version(readPackageVersion(), '-V, --version')
  .showHelpAfterError()
  .exitOverride();

const named = process.argv[2];
const wanted = named !== undefined && named in COMMANDS ? [named] : Object.keys(COMMANDS);
for (const name of wanted) program.addCommand(await (COMMANDS[name] as () => Promise<Command>)());

// Usage errors anywhere in the tree must exit 2, not commander's default 1 (1 means "denied").
const overrideExits = (cmd: Command): void => {
  cmd.exitOverride();
  cmd.commands.forEach(overrideExits);
};
overrideExits(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const code = (err as { exitCode?: number }).exitCode;
  // commander already printed its own message for usage errors; exit 2 is our usage/policy code.
  if (typeof code === 'number') process.exit(code === 0 ? 0 : 2);
  process.stderr.write(`egressgate: ${(err as Error).message}\n`);
  process.exit(2);
}
