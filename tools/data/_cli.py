"""Shared pieces of the ``tools/data`` command-line converters.

``load_converters`` imports ``aclnet_mm.datasets.converters`` without
torch: ``aclnet_mm/__init__.py`` imports torch and MMAction2 to register the
models, which takes seconds, while the converters need only NumPy and
MMEngine's logger. ``convert_and_write`` is the common run-write-report step.
"""
import importlib.util
import os.path as osp
import sys
import time

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


def convert_and_write(convert, out, describe):
    """Run a conversion, write its pickle atomically and report it.

    Args:
        convert (callable): Returns a ``ConversionResult``-like object with
            ``data``; raises the converters' ``BadSampleError`` or
            ``ConversionError`` (or ``OSError``) on bad input.
        out (str): Output pickle path; nothing is written on error.
        describe (callable): ``result -> str``, the summary to print.
    """
    common = load_converters().common
    start = time.perf_counter()
    try:
        result = convert()
    except common.BadSampleError as err:
        sys.exit(f'error: {err}\n(nothing written; --skip-bad skips such '
                 'files)')
    except (common.ConversionError, OSError) as err:
        sys.exit(f'error: {err}\n(nothing written)')
    common.dump_pickle_atomic(result.data, out)
    print(f'wrote {out} ({time.perf_counter() - start:.1f} s): '
          f'{describe(result)}')
