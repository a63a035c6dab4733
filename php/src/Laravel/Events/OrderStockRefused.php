<?php

declare(strict_types=1);

namespace Racine\Laravel\Events;

use Illuminate\Database\Eloquent\Model;
use Racine\Exception\RacineException;
use Racine\Laravel\OrderOutOfSyncException;

/**
 * The ledger refused what the app's order asked (short stock, a bad line,
 * an edit it cannot follow); the order's stock status says `refused`.
 */
final class OrderStockRefused
{
    public function __construct(
        public readonly Model $order,
        public readonly RacineException|OrderOutOfSyncException $reason,
    ) {
    }
}
