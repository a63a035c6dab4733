<?php

declare(strict_types=1);

namespace Racine\Laravel\Facades;

use Illuminate\Support\Facades\Facade;

/**
 * Racine::issue($item, '2', ['reference' => 'ORDER-1042']) and so on: static
 * access to the container's Racine\Database.
 *
 * @method static array<string, mixed> issue(int $item, string|int $quantity, array $options = [], ?string $idempotencyKey = null)
 * @method static array<string, mixed> receive(int $item, string|int $quantity, string|int|null $unitCost, array $options = [], ?string $idempotencyKey = null)
 * @method static array<string, string> stock(int $item, ?int $warehouse = null)
 * @method static array<string, mixed> itemBySku(string $sku)
 *
 * @see \Racine\Database
 */
class Racine extends Facade
{
    protected static function getFacadeAccessor(): string
    {
        return \Racine\Database::class;
    }
}
