<?php

declare(strict_types=1);

namespace Racine\Exception;

/** Refused: available stock would go below zero. */
class NegativeStockException extends StockRefusalException
{
}
