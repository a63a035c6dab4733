<?php

declare(strict_types=1);

namespace Racine\Laravel;

use Illuminate\Http\JsonResponse;
use Illuminate\Http\Request;
use Illuminate\Http\Response;
use Racine\Exception\AlreadyExistsException;
use Racine\Exception\BusyException;
use Racine\Exception\IdempotencyConflictException;
use Racine\Exception\ImportRefusedException;
use Racine\Exception\InvalidInputException;
use Racine\Exception\InvalidTransitionException;
use Racine\Exception\NotFoundException;
use Racine\Exception\PluginException;
use Racine\Exception\RacineException;
use Racine\Exception\StockRefusalException;

/**
 * How Racine's exceptions reach an HTTP client: refusals are the client's
 * business (409 for stock, idempotency conflicts, impossible transitions,
 * existing records and plugin vetoes; 422 for invalid input and for a file
 * to import with wrong rows, whose JSON lists every problem; 404 for what
 * does not exist) and are not reported as errors; a busy database is 503
 * with Retry-After. Anything else (storage, internal) stays a reported 500.
 */
final class ErrorResponse
{
    /** The HTTP status for $e; 500 when it is not a refusal. */
    public static function status(\Throwable $e): int
    {
        return match (true) {
            $e instanceof StockRefusalException,
            $e instanceof IdempotencyConflictException,
            $e instanceof InvalidTransitionException,
            $e instanceof AlreadyExistsException,
            $e instanceof PluginException => 409,
            $e instanceof InvalidInputException,
            $e instanceof ImportRefusedException => 422,
            $e instanceof NotFoundException => 404,
            $e instanceof BusyException => 503,
            default => 500,
        };
    }

    /** Whether $e is the client's refusal rather than a fault to log. */
    public static function isRefusal(\Throwable $e): bool
    {
        return self::status($e) < 500;
    }

    /**
     * The response for a Racine exception, or null to leave it to the
     * application's handler (a 500). JSON when the client wants it:
     * {"message": …, "error": {"code": "insufficient_available", "status": 7, …fields}}.
     */
    public static function render(RacineException $e, Request $request): JsonResponse|Response|null
    {
        $status = self::status($e);
        if ($status === 500) {
            return null;
        }
        $headers = $status === 503 ? ['Retry-After' => '1'] : [];
        if (!$request->expectsJson()) {
            return new Response($e->getMessage(), $status, $headers + ['Content-Type' => 'text/plain; charset=UTF-8']);
        }
        $error = ['code' => $e->errorCode] + $e->details;
        unset($error['message']);
        return new JsonResponse(['message' => $e->getMessage(), 'error' => $error], $status, $headers);
    }
}
