"""Convert ST-GCN Kinetics-Skeleton JSON clips to a ``PoseDataset`` pickle
(``--help`` for the options).

The rules (labels, splits by sub-folder, persons, coordinate range) are
those of :func:`aclnet_mm.datasets.converters.convert.convert_kinetics_json`;
the output options and the bad-input policy, of
:mod:`aclnet_mm.datasets.converters.cli`.
"""
import argparse

from aclnet_mm.datasets.converters import convert_kinetics_json
from aclnet_mm.datasets.converters.cli import (add_output_arguments,
                                               run_conversion)
from aclnet_mm.datasets.converters.readers.kinetics_json import IMG_SHAPE


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert Kinetics-Skeleton (ST-GCN JSON) clips to a '
        'PoseDataset pickle; a clip\'s split is its sub-folder of JSON_DIR '
        '(e.g. train/, val/) unless --split names one.')
    parser.add_argument('json_dir', help='folder of clip .json files')
    parser.add_argument(
        '--label-map',
        dest='label_map_file',
        help='ST-GCN label table (.json, by video id) or a text file of '
        'class names, one per line (by the clip\'s "label"); default: each '
        'clip\'s "label_index"')
    parser.add_argument(
        '--max-person',
        type=int,
        default=2,
        help='persons kept per frame, by mean score (default: 2)')
    parser.add_argument(
        '--img-shape',
        type=int,
        nargs=2,
        default=list(IMG_SHAPE),
        metavar=('H', 'W'),
        help='frame size that scales the [0, 1] coordinates to pixels '
        '(default: 256 340)')
    parser.add_argument(
        '--split',
        help='put every clip in this split (default: the sub-folder name)')
    add_output_arguments(parser)
    return parser.parse_args(argv)


def main(argv=None) -> None:
    print(run_conversion(convert_kinetics_json, parse_args(argv)))


if __name__ == '__main__':
    main()
