<?php

declare(strict_types=1);

namespace Racine\Tests\Stubs;

/** A minimal stand-in for Laravel's config repository. */
final class Config
{
    /** @param array<string, mixed> $items */
    public function __construct(private array $items = [])
    {
    }

    public function get(string $key, mixed $default = null): mixed
    {
        return $this->items[$key] ?? $default;
    }

    public function set(string $key, mixed $value): void
    {
        $this->items[$key] = $value;
    }
}
