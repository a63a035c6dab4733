<?php

namespace App\Models;

use Illuminate\Database\Eloquent\Model;

class LedgerEvent extends Model
{
    protected $guarded = [];

    protected $casts = ['data' => 'array'];
}
