<?php

declare(strict_types=1);

namespace Racine\Laravel\Events;

use Illuminate\Database\Eloquent\Model;

/** The ledger now matches the app's order: `$stockStatus` is what it holds (reserved, sold, fulfilled…). */
final class OrderStockSynced
{
    /** @param array<string, mixed> $racineOrder the Racine order after the sync */
    public function __construct(
        public readonly Model $order,
        public readonly string $stockStatus,
        public readonly array $racineOrder,
    ) {
    }
}
