<?php

// Generated from schema/racine.json by `cargo run -p racine-codegen`: do not edit.

declare(strict_types=1);

namespace Racine\Exception;

/** A plugin vetoed the write, failed, or could not be loaded; nothing was written. (`plugin`, status 11) */
class PluginException extends RacineException
{
    /** Its message, or what went wrong with it. */
    public readonly string $reason;
    /** The plugin's name (its file's name when it could not say). */
    public readonly string $plugin;

    /** @param array<string, mixed> $details */
    public function __construct(string $message, array $details = [], ?\Throwable $previous = null)
    {
        parent::__construct($message, $details, $previous);
        $this->reason = (string) ($details['reason'] ?? '');
        $this->plugin = (string) ($details['plugin'] ?? '');
    }
}
