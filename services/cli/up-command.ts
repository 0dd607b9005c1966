import { commandGroups, readSettings, runSettings, serveSettings, upSettings } from '@passerine/config';
import type { Command } from 'commander';
import { chooseServices } from './registry.ts';
import { addSettingFlags, settingSources } from './setting-flags.ts';
import { type RunningPasserine, up } from './up.ts';

/** Prints where everything listens, then stops cleanly on Ctrl-C / SIGTERM. */
function serveUntilSignalled(running: RunningPasserine, title: string): void {
  console.log(title);
  for (const [what, where] of Object.entries(running.endpoints)) console.log(`  ${what.padEnd(8)} ${where}`);
  console.log('Press Ctrl-C to stop.');
  const shutdown = async (signal: string) => {
    console.log(`\n${signal}: stopping...`);
    await running.stop();
    console.log('stopped.');
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  // Never half alive: without its NATS the edges would accept calls that can only time out.
  void running.failed.then(async (sentence) => {
    console.error(`passerine: ${sentence}`);
    await running.stop();
    process.exit(1);
  });
}

export function registerUp(program: Command): void {
  const upCommand = program
    .command('up')
    .description(
      'run Passerine: an embedded nats-server (data in ./.passerine/) and every service in this process',
    );
  addSettingFlags(upCommand, commandGroups.up).action(async (_opts, command: Command) => {
    // Every setting is read and checked before anything starts.
    const sources = settingSources(command, commandGroups.up);
    const run = readSettings(runSettings, sources);
    const { natsUrl, natsPort, natsAuth, natsCredentials, natsCa, natsCert, natsKey, natsRestarts } =
      readSettings(upSettings, sources);
    const natsTls = { caFile: natsCa, certFile: natsCert, keyFile: natsKey };
    const services = chooseServices().map((s) => ({ name: s.name, create: s.prepare(sources) }));
    serveUntilSignalled(
      await up({ run, natsUrl, natsPort, natsAuth, natsCredentials, natsTls, natsRestarts, services }),
      'Passerine is up.',
    );
  });

  const serveCommand = program
    .command('serve <services...>')
    .description('run some services (a replica each) against an existing NATS, e.g. `passerine serve store`');
  addSettingFlags(serveCommand, commandGroups.serve).action(
    async (names: string[], _opts, command: Command) => {
      const sources = settingSources(command, commandGroups.serve);
      const run = readSettings(runSettings, sources);
      const { natsUrl, natsCredentials, natsCa, natsCert, natsKey } = readSettings(serveSettings, sources);
      const natsTls = { caFile: natsCa, certFile: natsCert, keyFile: natsKey };
      const services = chooseServices(names).map((s) => ({ name: s.name, create: s.prepare(sources) }));
      serveUntilSignalled(
        await up({ run, natsUrl, natsCredentials, natsTls, services }),
        `Passerine ${names.join(', ')} serving.`,
      );
    },
  );
}
