<?php

declare(strict_types=1);

namespace Racine;

/**
 * Racine's decimals on the PHP side: exact text, never floats. The C
 * functions speak int64 millionths (6 fractional digits).
 */
final class Decimal
{
    /** Millionths to the shortest exact text: 12500000 -> "12.5". */
    public static function fromMillionths(int $millionths): string
    {
        $sign = $millionths < 0 ? '-' : '';
        // Work on the digits so that PHP_INT_MIN does not overflow.
        $digits = ltrim((string) $millionths, '-');
        $digits = str_pad($digits, 7, '0', STR_PAD_LEFT);
        $int = substr($digits, 0, -6);
        $frac = rtrim(substr($digits, -6), '0');
        return $sign . $int . ($frac === '' ? '' : '.' . $frac);
    }
}
