<?php

namespace App\Jobs;

use Illuminate\Bus\Queueable;
use Illuminate\Contracts\Queue\ShouldQueue;
use Illuminate\Foundation\Bus\Dispatchable;
use Illuminate\Queue\InteractsWithQueue;
use Racine\RacineInterface;

/** Holds the database itself: it serialises as its path and reopens in the worker. */
class CountStock implements ShouldQueue
{
    use Dispatchable, InteractsWithQueue, Queueable;

    public function __construct(public RacineInterface $racine, public string $sku, public string $counted)
    {
    }

    public function handle(): void
    {
        $this->racine->count($this->sku, $this->counted, ['reference' => 'stocktake'], "count:{$this->sku}:{$this->counted}");
    }
}
