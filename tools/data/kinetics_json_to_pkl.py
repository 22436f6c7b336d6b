"""Convert ST-GCN Kinetics-Skeleton JSON files to a ``PoseDataset`` pickle.

::

    python tools/data/kinetics_json_to_pkl.py JSON_DIR OUT_PKL \\
        [--label-map FILE] [--max-person 2] [--img-shape H W] \\
        [--split NAME] [--skip-bad] [--overwrite]

Keypoints are OpenPose-18 in pixels (``--img-shape``, default 256 340 as
ST-GCN's 340x256 frames) with their scores. The split of a clip is the
sub-folder of JSON_DIR it lies in (e.g. ``train/``, ``val/``) unless
``--split`` names one. See
:mod:`aclnet_mm.datasets.converters.readers.kinetics_json` for the rules.

The options, checks and bad-input policy shared by every converter are
in :mod:`aclnet_mm.datasets.converters.cli` and ``.assembly``.
"""
import argparse

from aclnet_mm.datasets.converters import convert_kinetics_json
from aclnet_mm.datasets.converters.cli import (add_output_arguments,
                                               run_conversion)
from aclnet_mm.datasets.converters.readers.kinetics_json import IMG_SHAPE


def parse_args(argv=None) -> argparse.Namespace:
    """Parse the command line.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` if None.

    Returns:
        argparse.Namespace: The parsed arguments.
    """
    parser = argparse.ArgumentParser(
        description='Convert Kinetics-Skeleton (ST-GCN JSON) clips to a '
        'PoseDataset pickle.')
    parser.add_argument('json_dir', help='folder of clip .json files')
    parser.add_argument(
        '--label-map',
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
    """Convert and write the pickle."""
    args = parse_args(argv)
    print(run_conversion(
        lambda: convert_kinetics_json(
            args.json_dir,
            label_map_file=args.label_map,
            max_person=args.max_person,
            img_shape=args.img_shape,
            split=args.split,
            skip_bad=args.skip_bad), args))


if __name__ == '__main__':
    main()
