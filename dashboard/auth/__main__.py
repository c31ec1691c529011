"""`python3 -m dashboard.auth hash --name anna`: see dashboard/auth/cli.py."""

import sys

from dashboard.auth.cli import main

sys.exit(main())
