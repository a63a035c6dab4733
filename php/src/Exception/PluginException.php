<?php

declare(strict_types=1);

namespace Racine\Exception;

/** A plugin failed or was refused. */
class PluginException extends RacineException
{
}
