"""Convert per-sequence COCO-17 pose JSON (AlphaPose, MMPose) to a
``PoseDataset`` pickle (``--help`` for the options).

One JSON file per sequence, searched recursively; the sample name is the
file's stem. The rules (labels, splits, several persons, missing frames)
are those of :func:`aclnet_mm.datasets.converters.convert.convert_coco_json`;
the output options and the bad-input policy, of
:mod:`aclnet_mm.datasets.converters.cli`.
"""
import argparse

from aclnet_mm.datasets.converters import convert_coco_json
from aclnet_mm.datasets.converters.cli import (add_output_arguments,
                                               run_conversion)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert per-sequence COCO-17 pose JSON files '
        '(AlphaPose or MMPose) to a PoseDataset pickle.')
    parser.add_argument('pose_dir', help='folder of per-sequence .json files')
    labels = parser.add_mutually_exclusive_group(required=True)
    labels.add_argument('--labels-csv', help='CSV of "filename,label" rows')
    labels.add_argument(
        '--label-pattern',
        help='regex with a named group "label", searched in the file name, '
        "e.g. '^(?P<label>\\d{3})_'")
    parser.add_argument(
        '--class-names',
        help='class names, one per line, to map non-integer labels')
    parser.add_argument(
        '--splits-file',
        help='lines "split_name filename" (default: one split "all")')
    parser.add_argument(
        '--max-person',
        type=int,
        default=2,
        help='persons kept, by track id or score (default: 2)')
    parser.add_argument(
        '--img-shape',
        type=int,
        nargs=2,
        metavar=('H', 'W'),
        help='video size, stored as img_shape/original_shape (default: '
        'not stored; PreNormalize2D then assumes 1080 1920)')
    add_output_arguments(parser)
    return parser.parse_args(argv)


def main(argv=None) -> None:
    print(run_conversion(convert_coco_json, parse_args(argv)))


if __name__ == '__main__':
    main()
