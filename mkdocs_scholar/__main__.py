"""``python -m mkdocs_scholar import JEKYLL_DIR OUT_DIR``: the same as the ``mkdocs-scholar`` command."""

from __future__ import annotations

import sys

from .cli import main

sys.exit(main())
