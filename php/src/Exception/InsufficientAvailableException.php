<?php

declare(strict_types=1);

namespace Racine\Exception;

/** Not enough unreserved stock for a reservation. */
class InsufficientAvailableException extends StockRefusalException
{
}
