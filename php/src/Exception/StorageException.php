<?php

declare(strict_types=1);

namespace Racine\Exception;

/** SQLite or the file system failed. */
class StorageException extends RacineException
{
}
