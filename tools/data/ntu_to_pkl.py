"""Convert NTU RGB+D raw ``.skeleton`` files to a ``PoseDataset`` pickle.

::

    python tools/data/ntu_to_pkl.py RAW_DIR OUT_PKL [--dataset ntu60|ntu120] \\
        [--mode 3d|2d] [--max-person 2] [--skip-bad] [--overwrite]

The pickle holds the official splits (NTU-60: ``xsub_*`` and ``xview_*``;
NTU-120: ``xsub_*`` and ``xset_*``). See
:mod:`aclnet_mm.datasets.converters.readers.ntu_skeleton` for the
multi-person and empty-frame rules.

The options, checks and bad-input policy shared by every converter are
in :mod:`aclnet_mm.datasets.converters.cli` and ``.assembly``.
"""
import argparse

from aclnet_mm.datasets.converters import convert_ntu
from aclnet_mm.datasets.converters.cli import (add_output_arguments,
                                               run_conversion)


def parse_args(argv=None) -> argparse.Namespace:
    """Parse the command line.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` if None.

    Returns:
        argparse.Namespace: The parsed arguments.
    """
    parser = argparse.ArgumentParser(
        description='Convert NTU RGB+D .skeleton files to a PoseDataset '
        'pickle.')
    parser.add_argument('raw_dir', help='folder of .skeleton files')
    parser.add_argument(
        '--dataset',
        choices=['ntu60', 'ntu120'],
        default='ntu60',
        help='label range and benchmark splits (default: ntu60)')
    parser.add_argument(
        '--mode',
        choices=['3d', '2d'],
        default='3d',
        help='3d: camera space in metres; 2d: colour-image pixels with '
        'keypoint scores (default: 3d)')
    parser.add_argument(
        '--max-person',
        type=int,
        default=2,
        help='bodies kept, by motion energy (default: 2)')
    add_output_arguments(parser)
    return parser.parse_args(argv)


def main(argv=None) -> None:
    """Convert and write the pickle."""
    args = parse_args(argv)
    print(
        run_conversion(
            lambda: convert_ntu(
                args.raw_dir,
                dataset=args.dataset,
                mode=args.mode,
                max_person=args.max_person,
                skip_bad=args.skip_bad), args))


if __name__ == '__main__':
    main()
