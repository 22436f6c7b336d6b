"""ACLNet (arXiv 2601.16694) as an MMAction2 plugin.

Importing the package applies the stack's compatibility shims (first),
makes MMEngine load checkpoints with torch's safe unpickler
(:mod:`aclnet_mm.engine.safe_loading`) and registers every module into
MMAction2's registries.
"""
from . import _compat

_compat.apply_all()  # must run before anything imports mmaction.models

from . import datasets, engine, evaluation, models  # noqa: E402,F401
from .engine.safe_loading import install as _install_safe_loading  # noqa
from .version import __version__  # noqa: E402

_install_safe_loading()

__all__ = ['__version__']
