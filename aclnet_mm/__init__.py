"""ACLNet (arXiv 2601.16694) as an MMAction2 plugin.

Importing the package applies the stack's compatibility shims (first) and
registers every module into MMAction2's registries.
"""
from . import _compat

_compat.apply_all()  # must run before anything imports mmaction.models

from . import datasets, engine, evaluation, models  # noqa: E402,F401
from .version import __version__  # noqa: E402

__all__ = ['__version__']
