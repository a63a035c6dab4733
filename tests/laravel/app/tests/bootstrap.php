<?php

require __DIR__ . '/../bootstrap/autoload.php';
require_once 'Mockery/autoload.php';
