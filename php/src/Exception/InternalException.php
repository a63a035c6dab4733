<?php

declare(strict_types=1);

namespace Racine\Exception;

/** Racine failed internally (a caught panic); nothing was written. */
class InternalException extends RacineException
{
}
