"""Entry point: python -m loaders build|check|load|export|template."""

import sys

from . import sandbox

if {"build", "check", "load"} & set(sys.argv[1:]):
    # Start the parse worker first, so its imports run on the other core while ours do.
    sandbox.prestart()

from .cli import main

sys.exit(main())
