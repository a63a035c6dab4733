<?php

declare(strict_types=1);

namespace Racine\Exception;

/** Stock refusals: quantities are decimal strings. */
abstract class StockRefusalException extends RacineException
{
    public readonly int $item;
    public readonly string $sku;
    public readonly string $warehouse;
    public readonly string $available;
    public readonly string $requested;

    /** @param array<string, mixed> $details */
    public function __construct(string $message, array $details = [], ?\Throwable $previous = null)
    {
        parent::__construct($message, $details, $previous);
        $this->item = (int) ($details['item'] ?? 0);
        $this->sku = (string) ($details['sku'] ?? '');
        $this->warehouse = (string) ($details['warehouse'] ?? '');
        $this->available = (string) ($details['available'] ?? '');
        $this->requested = (string) ($details['requested'] ?? '');
    }
}
