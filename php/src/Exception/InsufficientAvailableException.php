<?php

declare(strict_types=1);

namespace Racine\Exception;

/**
 * Not enough unreserved stock: for an order, $lines lists every short line
 * (line, sku, warehouse, available, requested); the first one's fields are
 * also the properties inherited from StockRefusalException.
 */
class InsufficientAvailableException extends StockRefusalException
{
    /** @var list<array<string, mixed>> */
    public readonly array $lines;

    /** @param array<string, mixed> $details */
    public function __construct(string $message, array $details = [], ?\Throwable $previous = null)
    {
        parent::__construct($message, $details, $previous);
        $this->lines = $details['lines'] ?? [];
    }
}
