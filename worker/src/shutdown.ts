// Graceful stop on SIGTERM/SIGINT for both service processes, with a deadline: closing BullMQ
// connections waits for Redis, which may be the thing that is down.
import type { Logger } from 'pino';

export function stopOnSignals(logger: Logger, stop: () => Promise<void>, deadlineMs: number): void {
  const handle = (signal: string) => {
    logger.info({ signal }, 'stopping');
    setTimeout(() => {
      logger.warn({ deadlineMs }, 'could not stop cleanly in time; exiting');
      process.exit(1);
    }, deadlineMs).unref();
    stop().then(
      () => process.exit(0),
      (err: Error) => {
        logger.error({ err: err.message }, 'stopping failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => handle('SIGTERM'));
  process.once('SIGINT', () => handle('SIGINT'));
}
