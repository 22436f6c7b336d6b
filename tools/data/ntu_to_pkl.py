"""Convert NTU RGB+D raw ``.skeleton`` files to a ``PoseDataset`` pickle
with the official benchmark splits (``--help`` for the options).

The rules (labels, splits, several bodies, empty frames) are those of
:func:`aclnet_mm.datasets.converters.convert.convert_ntu`; the output
options and the bad-input policy, of :mod:`aclnet_mm.datasets.converters.cli`.
"""
import argparse

from aclnet_mm.datasets.converters import convert_ntu
from aclnet_mm.datasets.converters.cli import (add_output_arguments,
                                               run_conversion)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert NTU RGB+D .skeleton files to a PoseDataset '
        'pickle (splits xsub/xview for ntu60, xsub/xset for ntu120).')
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
    print(run_conversion(convert_ntu, parse_args(argv)))


if __name__ == '__main__':
    main()
