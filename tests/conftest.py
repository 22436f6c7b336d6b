import os
import sys

# Test helpers (reference transcriptions, tiny fixtures) live next to this
# file; pytest runs with --import-mode=importlib, so put them on the path.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import aclnet_mm  # noqa: E402,F401  shims + registration, before mmaction

from mmaction.utils import register_all_modules  # noqa: E402

register_all_modules(init_default_scope=True)
