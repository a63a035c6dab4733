<?php

declare(strict_types=1);

namespace Racine\Laravel;

/**
 * An order changed in a way the ledger cannot follow by itself (its lines
 * changed after some of it shipped). Rendered as 409, like a stock refusal.
 */
class OrderOutOfSyncException extends \RuntimeException
{
    public function __construct(public readonly string $externalId, string $why)
    {
        parent::__construct("order {$externalId} is out of step with the ledger: {$why}");
    }
}
