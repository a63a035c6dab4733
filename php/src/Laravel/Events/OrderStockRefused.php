<?php

declare(strict_types=1);

namespace Racine\Laravel\Events;

use Illuminate\Database\Eloquent\Model;
use Racine\Exception\RacineException;

/**
 * The ledger refused what the app's order asked (short stock, a bad line,
 * an edit after something shipped); the order's stock status says `refused`.
 */
final class OrderStockRefused
{
    public function __construct(
        public readonly Model $order,
        public readonly RacineException $reason,
    ) {
    }
}
