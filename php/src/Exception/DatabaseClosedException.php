<?php

declare(strict_types=1);

namespace Racine\Exception;

/** The database was closed. */
class DatabaseClosedException extends RacineException
{
}
