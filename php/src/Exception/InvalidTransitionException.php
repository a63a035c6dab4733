<?php

// Generated from schema/racine.json by `cargo run -p racine-codegen`: do not edit.

declare(strict_types=1);

namespace Racine\Exception;

/** The operation is impossible from the current state. (`invalid_transition`, status 6) */
class InvalidTransitionException extends RacineException
{
    /** What was attempted. */
    public readonly string $action;
    /** `purchase order`, `item`… */
    public readonly string $entity;
    /** Its id or reference. */
    public readonly string $key;
    /** Its current state. */
    public readonly string $state;

    /** @param array<string, mixed> $details */
    public function __construct(string $message, array $details = [], ?\Throwable $previous = null)
    {
        parent::__construct($message, $details, $previous);
        $this->action = (string) ($details['action'] ?? '');
        $this->entity = (string) ($details['entity'] ?? '');
        $this->key = (string) ($details['key'] ?? '');
        $this->state = (string) ($details['state'] ?? '');
    }
}
