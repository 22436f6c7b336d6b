"""Convert a checkpoint published by the ACLNet authors to aclnet_mm.

    python tools/convert_reference_checkpoint.py SRC DST --config CONFIG
        [--overwrite] [--verbose]

SRC is a checkpoint of the reference implementation (firework8/ACLNet,
PYSKL / mmcv 1.x), e.g. ``ntu60_xsub/j_1/best_top1_acc_epoch_148.pth``;
CONFIG the aclnet_mm config of the same dataset, split and stream (e.g.
``configs/ntu60/aclnet_ntu60-xsub_j.py``). DST is an MMEngine checkpoint
for ``mim test``, ``tools/infer.py``, ``tools/infer_video.py`` and
``tools/deployment/export_onnx.py``. The source is read with
``weights_only=True``; DST is written atomically and an existing DST only
replaced with ``--overwrite``. Prints how every tensor was accounted for.
Exit code 1, with one line naming the problem and nothing written, when
the source does not fit CONFIG or cannot be read or DST cannot be written.
"""
import argparse
import pickle
import sys

import aclnet_mm  # noqa: F401  (shims, registration, safe loading)
from aclnet_mm.engine.reference_checkpoint import convert_checkpoint


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('\n\n', 1)[1])
    parser.add_argument('src', help="the reference's checkpoint (.pth)")
    parser.add_argument('dst', help='the MMEngine checkpoint to write')
    parser.add_argument(
        '--config', required=True, help='the aclnet_mm config of the model')
    parser.add_argument(
        '--overwrite', action='store_true', help='replace an existing DST')
    parser.add_argument(
        '--verbose', action='store_true', help='list every mapped tensor')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    # OSError: unreadable files; ValueError: a source that does not fit
    # (ReferenceCheckpointError), an output refused (OutputError), a
    # corrupt file; UnpicklingError: a source needing unsafe globals
    try:
        conversion = convert_checkpoint(
            args.src, args.dst, args.config, overwrite=args.overwrite)
    except (OSError, ValueError, pickle.UnpicklingError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    print(f'{args.src} -> {args.dst} (model of {args.config})')
    print('\n'.join(conversion.summary(verbose=args.verbose)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
