<?php

declare(strict_types=1);

namespace Racine;

use Racine\Generated\Catalogue;

/**
 * Racine's decimals on the PHP side: exact text, never floats. The typed C
 * functions speak int64 integers of Catalogue::DECIMAL_SCALE fractional
 * digits (millionths).
 */
final class Decimal
{
    /** Millionths to the shortest exact text: 12500000 -> "12.5". */
    public static function fromMillionths(int $millionths): string
    {
        $scale = Catalogue::DECIMAL_SCALE;
        $sign = $millionths < 0 ? '-' : '';
        // Work on the digits so that PHP_INT_MIN does not overflow.
        $digits = ltrim((string) $millionths, '-');
        $digits = str_pad($digits, $scale + 1, '0', STR_PAD_LEFT);
        $int = substr($digits, 0, -$scale);
        $frac = rtrim(substr($digits, -$scale), '0');
        return $sign . $int . ($frac === '' ? '' : '.' . $frac);
    }
}
