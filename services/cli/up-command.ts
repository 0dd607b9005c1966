import type { Command } from 'commander';
import { type RunningPasserine, up } from './up.ts';

function serviceOptions(command: Command): Command {
  return command
    .option('--cbor-port <port>', 'Coordinate CBOR-RPC port', Number, 5932)
    .option('--cbor-host <host>', 'address the CBOR-RPC server listens on', '127.0.0.1')
    .option('--grpc-port <port>', 'gRPC port', Number, 5933)
    .option('--prefix <prefix>', 'prefix of every subject, stream and bucket', 'psr')
    .option(
      '--replicas <n>',
      'stream replicas (3 on a NATS cluster; default PASSERINE_REPLICAS or 1)',
      Number,
    )
    .option('--log-level <level>', 'pino level (default warn)');
}

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
}

export function registerUp(program: Command): void {
  serviceOptions(
    program
      .command('up')
      .description(
        'run Passerine: an embedded nats-server (data in ./.passerine/) and every service in this process',
      )
      .option('--nats-url <url>', 'use this NATS instead of starting one')
      .option(
        '--nats-port <port>',
        'client port of the embedded nats-server (default 4222, or a free one if taken)',
        Number,
      ),
  ).action(async (opts) => {
    serveUntilSignalled(await up(opts), 'Passerine is up.');
  });
  serviceOptions(
    program
      .command('serve <services...>')
      .description(
        'run some services (a replica each) against an existing NATS, e.g. `passerine serve store`',
      )
      .option('--nats-url <url>', 'NATS to join (default PASSERINE_NATS_URL, else 127.0.0.1:4222)'),
  ).action(async (services: string[], opts) => {
    const natsUrl = opts.natsUrl ?? process.env.PASSERINE_NATS_URL ?? 'nats://127.0.0.1:4222';
    serveUntilSignalled(
      await up({ ...opts, natsUrl, only: services }),
      `Passerine ${services.join(', ')} serving.`,
    );
  });
}
