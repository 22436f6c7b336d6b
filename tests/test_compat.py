"""The stack shims that importing aclnet_mm applies (see _compat.py)."""
import importlib

import numpy as np
import torch

from aclnet_mm import _compat


def test_mmaction_models_importable():
    # mmaction2 1.2.0's wheel lacks localizers/drn; the shim stands in
    models = importlib.import_module('mmaction.models')
    assert hasattr(models, 'RecognizerGCN')


def test_cpu_set_device_is_noop_only_without_cuda():
    if torch.cuda.is_available():
        assert not getattr(torch.cuda.set_device, '_aclnet_noop', False)
    else:
        assert torch.cuda.set_device(0) is None
        assert torch.cuda.set_device._aclnet_noop


def test_numpy_aliases_and_idempotence():
    assert np.Inf == np.inf and np.isnan(np.NaN)
    before = torch.cuda.set_device
    _compat.apply_all()  # twice is harmless
    assert torch.cuda.set_device is before
    assert not _compat.patch_missing_drn()  # already in place
