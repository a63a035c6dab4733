<?php

declare(strict_types=1);

namespace Racine\Exception;

/** The action is impossible from the entity's current state. */
class InvalidTransitionException extends RacineException
{
    public readonly string $entity;
    public readonly string $key;
    public readonly string $state;
    public readonly string $action;

    /** @param array<string, mixed> $details */
    public function __construct(string $message, array $details = [], ?\Throwable $previous = null)
    {
        parent::__construct($message, $details, $previous);
        $this->entity = (string) ($details['entity'] ?? '');
        $this->key = (string) ($details['key'] ?? '');
        $this->state = (string) ($details['state'] ?? '');
        $this->action = (string) ($details['action'] ?? '');
    }
}
