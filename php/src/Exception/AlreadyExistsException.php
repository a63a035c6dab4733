<?php

// Generated from schema/racine.json by `cargo run -p racine-codegen`: do not edit.

declare(strict_types=1);

namespace Racine\Exception;

/** A unique value (SKU, warehouse code…) is already taken. (`already_exists`, status 7) */
class AlreadyExistsException extends RacineException
{
    /** The duplicate SKU or code. */
    public readonly string $key;
    /** `item`, `warehouse`… */
    public readonly string $entity;

    /** @param array<string, mixed> $details */
    public function __construct(string $message, array $details = [], ?\Throwable $previous = null)
    {
        parent::__construct($message, $details, $previous);
        $this->key = (string) ($details['key'] ?? '');
        $this->entity = (string) ($details['entity'] ?? '');
    }
}
