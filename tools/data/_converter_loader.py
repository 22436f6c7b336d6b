"""Load ``aclnet_mm.datasets.converters`` without importing torch.

``aclnet_mm/__init__.py`` imports torch and MMAction2 to register the
models, which takes seconds; the converters need only NumPy and MMEngine's
logger, so the command-line tools next to this file load the converter
folder as a stand-alone package instead.
"""
import importlib.util
import os.path as osp
import sys

CONVERTERS = osp.join(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))), 'aclnet_mm',
    'datasets', 'converters')


def load_converters():
    """Import the converter package on its own (once per process).

    Returns:
        module: The converter package (``aclnet_mm.datasets.converters``).
    """
    if '_aclnet_converters' in sys.modules:  # loaded by an earlier import
        return sys.modules['_aclnet_converters']
    spec = importlib.util.spec_from_file_location(
        '_aclnet_converters',
        osp.join(CONVERTERS, '__init__.py'),
        submodule_search_locations=[CONVERTERS])
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
