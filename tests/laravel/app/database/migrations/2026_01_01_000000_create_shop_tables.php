<?php

use Illuminate\Database\Migrations\Migration;
use Illuminate\Database\Schema\Blueprint;
use Illuminate\Support\Facades\Schema;

class CreateShopTables extends Migration
{
    public function up()
    {
        Schema::create('orders', function (Blueprint $t) {
            $t->id();
            $t->string('status');
            $t->string('currency', 3)->default('EUR');
            $t->string('stock_status')->nullable();
            $t->uuid('stock_reference')->nullable()->unique();
            $t->timestamps();
        });
        Schema::create('order_items', function (Blueprint $t) {
            $t->id();
            $t->foreignId('order_id')->constrained()->cascadeOnDelete();
            $t->string('sku');
            $t->string('quantity');
            $t->string('unit_price')->default('0');
            $t->timestamps();
        });
        Schema::create('ledger_events', function (Blueprint $t) {
            $t->id();
            $t->unsignedBigInteger('outbox_id')->unique();
            $t->string('kind');
            $t->text('data');
            $t->timestamps();
        });
        Schema::create('jobs', function (Blueprint $t) {
            $t->bigIncrements('id');
            $t->string('queue')->index();
            $t->longText('payload');
            $t->unsignedTinyInteger('attempts');
            $t->unsignedInteger('reserved_at')->nullable();
            $t->unsignedInteger('available_at');
            $t->unsignedInteger('created_at');
        });
        Schema::create('failed_jobs', function (Blueprint $t) {
            $t->id();
            $t->string('uuid')->unique();
            $t->text('connection');
            $t->text('queue');
            $t->longText('payload');
            $t->longText('exception');
            $t->timestamp('failed_at')->useCurrent();
        });
    }
}
