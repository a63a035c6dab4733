<?php

// Generated from schema/racine.json by `cargo run -p racine-codegen`: do not edit.

declare(strict_types=1);

namespace Racine\Exception;

/** The database stayed locked by other writers past the busy timeout. (`busy`, status 8) */
class BusyException extends RacineException
{
}
