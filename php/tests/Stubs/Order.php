<?php

declare(strict_types=1);

namespace Racine\Tests\Stubs;

use Racine\Laravel\StockLines;

/** A stand-in for an Eloquent Order: an id, a status and lines. */
final class Order implements StockLines
{
    /** @param list<array{sku: string, quantity: string|int}> $lines */
    public function __construct(public int $id, public string $status, private array $lines)
    {
    }

    public function getKey(): int
    {
        return $this->id;
    }

    public function stockCurrency(): string
    {
        return 'EUR';
    }

    public function stockLines(): array
    {
        return array_map(static fn ($l) => $l + ['unit_price' => '9.90'], $this->lines);
    }
}
