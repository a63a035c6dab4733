<?php

// Generated from schema/racine.json by `cargo run -p racine-codegen`: do not edit.

declare(strict_types=1);

namespace Racine\Exception;

/** The movement would take available stock below zero. (`negative_stock`, status 3) */
class NegativeStockException extends StockRefusalException
{
}
