<?php

// Generated from schema/racine.json by `cargo run -p racine-codegen`: do not edit.

declare(strict_types=1);

namespace Racine\Exception;

/** The storage engine or the file system failed, or a stored value is unreadable. (`storage`, status 9) */
class StorageException extends RacineException
{
    /** What failed. */
    public readonly string $reason;

    /** @param array<string, mixed> $details */
    public function __construct(string $message, array $details = [], ?\Throwable $previous = null)
    {
        parent::__construct($message, $details, $previous);
        $this->reason = (string) ($details['reason'] ?? '');
    }
}
