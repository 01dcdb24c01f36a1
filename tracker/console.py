"""What every command shares: exit statuses and how messages reach stderr."""

from __future__ import annotations

import os
import sys

import click

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def use_color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def error(message: str) -> None:
    click.echo(f"error: {message}", err=True)


def warn(message: str) -> None:
    click.echo(f"warning: {message}", err=True)
