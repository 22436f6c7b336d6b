"""Compatibility shims for the pinned MMAction2 stack.

``mmaction2`` 1.2.0 from PyPI, ``mmengine`` 0.10.7, CPU-only ``torch`` and
NumPy 2 do not work together out of the box (see
docs/installation.md). This
module patches the running interpreter only: nothing in site-packages is
written. :func:`apply_all` must run before anything imports
``mmaction.models``; ``aclnet_mm/__init__.py`` calls it first, and every
config loads ``aclnet_mm`` through ``custom_imports``.

Each shim is a no-op where it is not needed (a fixed mmaction2 release, a
CUDA build of torch, NumPy 1.x). Checkpoint loading under torch >= 2.6's
``weights_only`` default is not a shim: see
:mod:`aclnet_mm.engine.safe_loading`.
"""
import importlib.util
import os
import sys
import types

_DRN = 'mmaction.models.localizers.drn'


def patch_missing_drn() -> bool:
    """Provide the ``drn`` package the mmaction2 1.2.0 wheel lacks.

    ``mmaction/models/localizers/__init__.py`` imports ``.drn.drn.DRN``,
    but the folder is missing from the wheel and the sdist
    (open-mmlab/mmaction2#2714), so ``import mmaction.models`` fails. A
    placeholder module is put into ``sys.modules``; it registers nothing.

    Returns:
        bool: Whether the placeholder was installed.
    """
    if _DRN + '.drn' in sys.modules:
        return False
    spec = importlib.util.find_spec('mmaction')  # does not run mmaction
    if spec is None or not spec.submodule_search_locations:
        return False
    root = list(spec.submodule_search_locations)[0]
    if os.path.isfile(
            os.path.join(root, 'models', 'localizers', 'drn', 'drn.py')):
        return False

    class DRN:  # noqa: D401 - placeholder, deliberately not registered
        """Placeholder for the localizer missing from the PyPI wheel."""

        def __init__(self, *args, **kwargs):
            raise ImportError(
                'DRN is not shipped in the mmaction2 1.2.0 PyPI wheel')

    pkg = types.ModuleType(_DRN)
    pkg.__path__ = []
    mod = types.ModuleType(_DRN + '.drn')
    mod.DRN = DRN
    pkg.drn = mod
    sys.modules[_DRN] = pkg
    sys.modules[_DRN + '.drn'] = mod
    return True


def cpu_ddp_set_device_noop() -> None:
    """Make ``torch.cuda.set_device`` a no-op on CPU-only builds.

    ``mmengine.dist`` calls it unconditionally when it initialises a
    ``pytorch`` launcher, which fails without CUDA. GPU builds are left
    untouched.
    """
    import torch
    if torch.cuda.is_available() or getattr(torch.cuda.set_device,
                                            '_aclnet_noop', False):
        return

    def _noop(device) -> None:
        return None

    _noop._aclnet_noop = True
    torch.cuda.set_device = _noop


def numpy2_aliases() -> None:
    """Restore the NumPy 1 names mmaction2 1.2.0 still uses."""
    import numpy as np
    for old, new in (('Inf', 'inf'), ('NaN', 'nan'), ('trapz', 'trapezoid'),
                     ('in1d', 'isin')):
        if old not in np.__dict__ and hasattr(np, new):
            setattr(np, old, getattr(np, new))


def apply_all() -> None:
    """Apply every shim; safe to call more than once."""
    patch_missing_drn()
    numpy2_aliases()
    cpu_ddp_set_device_noop()
