<?php

use App\Http\Controllers\OrderController;
use Illuminate\Support\Facades\Route;

Route::post('/orders', [OrderController::class, 'store']);
Route::patch('/orders/{order}', [OrderController::class, 'update']);
Route::post('/orders/{order}/items', [OrderController::class, 'addItem']);
Route::delete('/orders/{order}', [OrderController::class, 'destroy']);
Route::post('/checkout', [OrderController::class, 'checkout']);
Route::get('/stock/{sku}', [OrderController::class, 'stock']);
Route::get('/info', [OrderController::class, 'info']);
Route::get('/exports/movements.csv', [OrderController::class, 'export']);
Route::post('/imports/{kind}', [OrderController::class, 'import']);
