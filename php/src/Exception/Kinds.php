<?php

// Generated from schema/racine.json by `cargo run -p racine-codegen`: do not edit.

declare(strict_types=1);

namespace Racine\Exception;

/** The exception class of each error code (and of the C boundary's own statuses). */
final class Kinds
{
    public const CLASSES = [
        'not_found' => NotFoundException::class,
        'invalid_input' => InvalidInputException::class,
        'negative_stock' => NegativeStockException::class,
        'insufficient_available' => InsufficientAvailableException::class,
        'idempotency_conflict' => IdempotencyConflictException::class,
        'invalid_transition' => InvalidTransitionException::class,
        'already_exists' => AlreadyExistsException::class,
        'busy' => BusyException::class,
        'storage' => StorageException::class,
        'schema_too_new' => SchemaTooNewException::class,
        'plugin' => PluginException::class,
        'cancelled' => CancelledException::class,
        'import_refused' => ImportRefusedException::class,
        'null_argument' => InvalidInputException::class,
        'invalid_utf8' => InvalidInputException::class,
        'panic' => InternalException::class,
        'closed' => DatabaseClosedException::class,
    ];
}
