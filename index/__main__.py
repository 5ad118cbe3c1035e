"""`python -m index` is the `newsdesk` command line."""
import sys

from .cli import main

sys.exit(main())
