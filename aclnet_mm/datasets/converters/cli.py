"""What every ``tools/data/*_to_pkl.py`` command line shares: the output
options, and the run-check-write-report step with one error policy.

A tool's other options are named (``dest``) after its converter's
arguments, so :func:`run_conversion` passes them on unchanged.
"""
import argparse
import time
from typing import Callable

from .errors import BadSampleError, ConversionError
from .summary import ConversionResult, format_summary
from .writer import check_output, write_pickle


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``out``, ``--overwrite`` and ``--skip-bad``."""
    parser.add_argument('out', help='output .pkl file')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='replace OUT if it exists (never through a symlink)')
    parser.add_argument(
        '--skip-bad',
        action='store_true',
        help='skip bad samples (one warning per kind, with a count) '
        'instead of stopping at the first')


def run_conversion(convert: Callable[..., ConversionResult],
                   args: argparse.Namespace) -> str:
    """Check the output path, convert, write atomically, describe.

    Args:
        convert (Callable): The converter.
        args (argparse.Namespace): ``out``, ``overwrite`` and the
            converter's keyword arguments.

    Returns:
        str: ``'wrote OUT (s): <summary>'``.

    Raises:
        SystemExit: With one message naming the file at fault (and
            ``nothing written``) on bad input or an unusable output.
    """
    start = time.perf_counter()
    try:
        check_output(args.out, args.overwrite)  # before hours of work
        options = dict(vars(args))
        del options['out'], options['overwrite']
        result = convert(**options)
        write_pickle(result.data, args.out, args.overwrite)
    except BadSampleError as err:
        raise SystemExit(f'error: {err}\n(nothing written; --skip-bad skips '
                         'such samples)') from None
    except (ConversionError, OSError) as err:
        raise SystemExit(f'error: {err}\n(nothing written)') from None
    return (f'wrote {args.out} ({time.perf_counter() - start:.1f} s):\n'
            f'{format_summary(result.summary())}')
