<?php

// Generated from schema/racine.json by `cargo run -p racine-codegen`: do not edit.

declare(strict_types=1);

namespace Racine\Exception;

/** An id, SKU or code that names nothing. (`not_found`, status 1) */
class NotFoundException extends RacineException
{
    /** The id, SKU or code given. */
    public readonly string $key;
    /** What was looked up: `item`, `warehouse`, `supplier`… */
    public readonly string $entity;

    /** @param array<string, mixed> $details */
    public function __construct(string $message, array $details = [], ?\Throwable $previous = null)
    {
        parent::__construct($message, $details, $previous);
        $this->key = (string) ($details['key'] ?? '');
        $this->entity = (string) ($details['entity'] ?? '');
    }
}
