<?php

namespace App\Jobs;

use Illuminate\Bus\Queueable;
use Illuminate\Contracts\Queue\ShouldQueue;
use Illuminate\Foundation\Bus\Dispatchable;
use Illuminate\Queue\InteractsWithQueue;
use Illuminate\Queue\SerializesModels;
use Racine\RacineInterface;

/** Resolves Racine in handle(), the way the package's docs recommend. */
class ReceiveStock implements ShouldQueue
{
    use Dispatchable, InteractsWithQueue, Queueable, SerializesModels;

    public function __construct(public string $sku, public string $quantity, public string $key)
    {
    }

    public function handle(RacineInterface $racine): void
    {
        $racine->receive($this->sku, $this->quantity, '1', ['reference' => 'job'], $this->key);
    }
}
