"""``python -m fakel run|check ...``: see fakel._cli."""

import sys

from ._cli import main

sys.exit(main())
