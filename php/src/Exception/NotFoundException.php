<?php

declare(strict_types=1);

namespace Racine\Exception;

/** An id, SKU or code names nothing. */
class NotFoundException extends RacineException
{
    public readonly string $entity;
    public readonly string $key;

    /** @param array<string, mixed> $details */
    public function __construct(string $message, array $details = [], ?\Throwable $previous = null)
    {
        parent::__construct($message, $details, $previous);
        $this->entity = (string) ($details['entity'] ?? '');
        $this->key = (string) ($details['key'] ?? '');
    }
}
