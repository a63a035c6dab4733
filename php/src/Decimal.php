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
    /** Millionths in one unit. */
    private const UNIT = 10 ** Catalogue::DECIMAL_SCALE;

    /** Millionths to the shortest exact text: 12500000 -> "12.5". */
    public static function fromMillionths(int $millionths): string
    {
        if ($millionths % self::UNIT === 0) {
            return (string) intdiv($millionths, self::UNIT); // whole numbers, the common case
        }
        $scale = Catalogue::DECIMAL_SCALE;
        $sign = $millionths < 0 ? '-' : '';
        // Work on the digits so that PHP_INT_MIN does not overflow.
        $digits = ltrim((string) $millionths, '-');
        $digits = str_pad($digits, $scale + 1, '0', STR_PAD_LEFT);
        $int = substr($digits, 0, -$scale);
        $frac = rtrim(substr($digits, -$scale), '0');
        return $sign . $int . ($frac === '' ? '' : '.' . $frac);
    }

    /**
     * The shortest text of a decimal string or int: "2.50" -> "2.5",
     * "007" -> "7", "-0.0" -> "0"; what comparing two amounts as text needs.
     */
    public static function canonical(string|int $value): string
    {
        $text = trim((string) $value);
        $sign = '';
        if ($text !== '' && ($text[0] === '-' || $text[0] === '+')) {
            $sign = $text[0] === '-' ? '-' : '';
            $text = substr($text, 1);
        }
        [$int, $frac] = array_pad(explode('.', $text, 2), 2, '');
        $int = ltrim($int, '0');
        $frac = rtrim($frac, '0');
        $text = ($int === '' ? '0' : $int) . ($frac === '' ? '' : '.' . $frac);
        return $text === '0' ? '0' : $sign . $text;
    }
}
