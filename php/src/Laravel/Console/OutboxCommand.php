<?php

declare(strict_types=1);

namespace Racine\Laravel\Console;

use Illuminate\Console\Command;
use Racine\Laravel\Events\OutboxEvent;
use Racine\RacineInterface;

/**
 * Follows Racine's outbox with a cursor of its own and dispatches each
 * event on Laravel's event bus ({@see OutboxEvent}), acknowledging a batch
 * once its listeners returned: at least once, in id order. Run it
 * under a supervisor like `queue:work`; listeners may be queued.
 */
class OutboxCommand extends Command
{
    protected $signature = 'racine:outbox
        {--consumer= : Cursor name (default: racine.outbox.consumer)}
        {--from=end : Where a new cursor starts: beginning or end}
        {--limit=100 : Events per batch}
        {--sleep=1 : Seconds to wait when there is nothing new}
        {--once : Dispatch what is pending, then stop}
        {--max-batches=0 : Stop after this many batches (0: never)}';

    protected $description = 'Dispatch Racine\'s outbox events as Laravel events (Racine\Laravel\Events\OutboxEvent)';

    private bool $stop = false;

    public function handle(RacineInterface $racine): int
    {
        $consumer = (string) ($this->option('consumer') ?? $this->laravel['config']->get('racine.outbox.consumer', 'laravel'));
        $racine->outboxSubscribe($consumer, (string) $this->option('from'));
        if (extension_loaded('pcntl')) {
            pcntl_async_signals(true);
            pcntl_signal(SIGTERM, fn () => $this->stop = true);
            pcntl_signal(SIGINT, fn () => $this->stop = true);
        }
        $batches = 0;
        $max = (int) $this->option('max-batches');
        $events = $this->laravel['events'];
        while (!$this->stop) {
            $batch = $racine->outboxPoll($consumer, (int) $this->option('limit'));
            foreach ($batch['events'] as $e) {
                $events->dispatch(new OutboxEvent($e['id'], $e['kind'], $e['recorded_at'], $e['data']));
            }
            if ($batch['events'] !== []) {
                $racine->outboxAck($consumer, end($batch['events'])['id']);
                $this->line(count($batch['events']) . ' event(s) dispatched, through ' . end($batch['events'])['id'], null, 'v');
            }
            if (++$batches === $max || ($batch['events'] === [] && $this->option('once'))) {
                break;
            }
            if ($batch['events'] === []) {
                sleep(max(0, (int) $this->option('sleep')));
            }
        }
        return self::SUCCESS;
    }
}
