<?php

declare(strict_types=1);

namespace Racine\Laravel;

use Racine\RacineInterface;
use Symfony\Component\HttpFoundation\StreamedResponse;

/**
 * An export as a download, streamed from one snapshot: csv as it is
 * written, xlsx once complete (a zip needs its end to be valid).
 *
 *     Route::get('/exports/movements.xlsx', fn (RacineInterface $racine) =>
 *         ExportDownload::make($racine, [['dataset' => 'movements']], 'movements.xlsx'));
 */
final class ExportDownload
{
    /**
     * @param list<array<string, mixed>> $sheets datasets with their filters
     * @param array<string, mixed> $options 'format' (default from the file name), 'csv', 'xlsx'
     */
    public static function make(RacineInterface $racine, array $sheets, string $filename, array $options = []): StreamedResponse
    {
        $options['format'] ??= str_ends_with(strtolower($filename), '.csv') ? 'csv' : 'xlsx';
        $type = $options['format'] === 'csv'
            ? 'text/csv; charset=UTF-8'
            : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
        $response = new StreamedResponse(static function () use ($racine, $sheets, $options): void {
            $racine->exportTo(static function (string $chunk): void {
                echo $chunk;
                flush();
            }, $sheets, $options);
        }, 200, ['Content-Type' => $type]);
        $response->headers->set('Content-Disposition', $response->headers->makeDisposition('attachment', $filename, preg_replace('/[^\x20-\x7e]/', '_', $filename)));
        return $response;
    }
}
