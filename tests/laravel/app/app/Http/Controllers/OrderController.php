<?php

namespace App\Http\Controllers;

use App\Models\Order;
use Illuminate\Http\Request;
use Illuminate\Routing\Controller;
use Illuminate\Support\Facades\DB;
use Racine\Laravel\ExportDownload;
use Racine\RacineInterface;

class OrderController extends Controller
{
    /** Creates an order and its lines in one transaction, then sets its status (the observer acts after commit). */
    public function store(Request $request)
    {
        $order = DB::transaction(function () use ($request) {
            $order = Order::create(['status' => 'pending', 'currency' => 'EUR']);
            foreach ($request->input('lines', []) as $line) {
                $order->items()->create($line + ['unit_price' => '0']);
            }
            return $order;
        });
        if ($request->filled('status')) {
            $order->update(['status' => $request->input('status')]);
        }
        return response()->json($order->fresh(), 201);
    }

    public function update(Request $request, Order $order)
    {
        $order->update($request->only('status'));
        return $order->fresh();
    }

    public function addItem(Request $request, Order $order)
    {
        $order->items()->create($request->only('sku', 'quantity', 'unit_price'));
        return $order->fresh();
    }

    public function destroy(Order $order)
    {
        $order->delete();
        return response()->noContent();
    }

    /** One unit of $sku, paid at once: the race for the last units. */
    public function checkout(Request $request)
    {
        $order = DB::transaction(function () use ($request) {
            $order = Order::create(['status' => 'pending', 'currency' => 'EUR']);
            $order->items()->create(['sku' => $request->input('sku'), 'quantity' => $request->input('quantity', '1'), 'unit_price' => '9.90']);
            return $order;
        });
        $order->update(['status' => 'paid']);
        return response()->json($order->fresh(), 201);
    }

    public function stock(RacineInterface $racine, string $sku)
    {
        return $racine->stock($sku);
    }

    public function info(RacineInterface $racine)
    {
        return $racine->info() + ['sapi' => PHP_SAPI, 'ffi_enable' => ini_get('ffi.enable'), 'pid' => getmypid()];
    }

    public function export(RacineInterface $racine)
    {
        return ExportDownload::make($racine, [['dataset' => 'movements']], 'movements.csv');
    }

    /**
     * Imports an uploaded csv or xlsx file. PHP keeps the upload under a
     * temporary name without extension, so its format comes from the name
     * the client gave; a refusal is a 422 listing every wrong row.
     */
    public function import(Request $request, RacineInterface $racine, string $kind)
    {
        $file = $request->file('file');
        $report = $racine->importFile($kind, (string) $file->getRealPath(), [
            'format' => strtolower($file->getClientOriginalExtension()),
            'dry_run' => $request->boolean('dry_run'),
        ]);
        return response()->json($report, $report['dry_run'] ? 200 : 201);
    }
}
