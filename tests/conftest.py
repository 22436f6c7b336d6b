import os
import sys

# Test helpers (reference transcriptions, tiny fixtures) live next to this
# file; pytest runs with --import-mode=importlib, so put them on the path.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mmaction.utils import register_all_modules  # noqa: E402

import aclnet_mm  # noqa: E402,F401  shims + registration, before mmaction

register_all_modules(init_default_scope=True)

import pytest  # noqa: E402
import torch  # noqa: E402

#: Every device tests that touch tensors run on: the CPU always, CUDA when
#: this machine has it (``tools/analysis/gpu_check.sh`` runs them there).
DEVICES = ['cpu'] + (['cuda'] if torch.cuda.is_available() else [])


@pytest.fixture(params=DEVICES)
def device(request):
    """The device a tensor test runs on (parametrized over DEVICES)."""
    return request.param
