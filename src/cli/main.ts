#!/usr/bin/env node
import { Command } from 'commander';
import { createAuditCommand } from './audit-command.js';
import { createCheckCommand } from './check-command.js';
import { createLabCommand } from './lab-command.js';
import { createLintCommand } from './lint-command.js';
import { createProfilesCommand } from './profiles-command.js';
import { readPackageVersion } from './read-package-version.js';
import { createServeCommand } from './serve-command.js';
import { createServicetagsCommand } from './servicetags-command.js';

// Each subcommand lives in its own file and is registered here.
const program = new Command('egressgate')
  .description('Egress gateway that enforces vendor-documented allowlists by name and port')
  .version(readPackageVersion(), '-V, --version')
  .showHelpAfterError()
  .exitOverride();

program.addCommand(createCheckCommand());
program.addCommand(createProfilesCommand());
program.addCommand(createLintCommand());
program.addCommand(createAuditCommand());
program.addCommand(createServicetagsCommand());
program.addCommand(createServeCommand());
program.addCommand(createLabCommand());

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
