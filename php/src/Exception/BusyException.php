<?php

declare(strict_types=1);

namespace Racine\Exception;

/** Other writers held the database past the busy timeout. */
class BusyException extends RacineException
{
}
