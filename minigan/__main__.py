"""``python -m minigan train ...``: see ``minigan.cli``."""
import sys

from .cli import main

sys.exit(main())
