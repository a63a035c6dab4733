<?php

declare(strict_types=1);

namespace Racine\Exception;

/** The idempotency key was already used for a different request. */
class IdempotencyConflictException extends RacineException
{
    public readonly string $key;

    /** @param array<string, mixed> $details */
    public function __construct(string $message, array $details = [], ?\Throwable $previous = null)
    {
        parent::__construct($message, $details, $previous);
        $this->key = (string) ($details['key'] ?? '');
    }
}
