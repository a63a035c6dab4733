<?php

// Generated from schema/racine.json by `cargo run -p racine-codegen`: do not edit.

declare(strict_types=1);

namespace Racine\Exception;

/** An idempotency key was reused with a different request. (`idempotency_conflict`, status 5) */
class IdempotencyConflictException extends RacineException
{
    /** The reused key. */
    public readonly string $key;

    /** @param array<string, mixed> $details */
    public function __construct(string $message, array $details = [], ?\Throwable $previous = null)
    {
        parent::__construct($message, $details, $previous);
        $this->key = (string) ($details['key'] ?? '');
    }
}
