"""Convert per-sequence COCO-17 pose JSON (AlphaPose, MMPose) to a pickle.

::

    python tools/data/coco_json_to_pkl.py POSE_DIR OUT_PKL \\
        (--labels-csv FILE | --label-pattern REGEX) [--class-names FILE] \\
        [--splits-file FILE] [--max-person 2] [--img-shape H W] \\
        [--skip-bad] [--overwrite]

One JSON file per sequence, searched recursively in POSE_DIR; the sample
name is the file's stem. Labels come from a ``filename,label`` CSV or from a
regex with a ``label`` group matched on the file name, e.g.
``--label-pattern '^(?P<label>\\d{3})_'``; a label that is not an integer is
looked up in ``--class-names`` (one name per line). ``--splits-file`` has
lines ``split_name filename``; without it all samples go to split ``all``.
See :mod:`aclnet_mm.datasets.converters.readers.coco_json` for the
multi-person and missing-frame rules.

The options, checks and bad-input policy shared by every converter are
in :mod:`aclnet_mm.datasets.converters.cli` and ``.assembly``.
"""
import argparse

from aclnet_mm.datasets.converters import convert_coco_json
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
        description='Convert per-sequence COCO-17 pose JSON files '
        '(AlphaPose or MMPose) to a PoseDataset pickle.')
    parser.add_argument('pose_dir', help='folder of per-sequence .json files')
    labels = parser.add_mutually_exclusive_group(required=True)
    labels.add_argument('--labels-csv', help='CSV of "filename,label" rows')
    labels.add_argument(
        '--label-pattern',
        help='regex with a named group "label", searched in the file name')
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
    """Convert and write the pickle."""
    args = parse_args(argv)
    print(run_conversion(
        lambda: convert_coco_json(
            args.pose_dir,
            labels_csv=args.labels_csv,
            label_pattern=args.label_pattern,
            class_names=args.class_names,
            splits_file=args.splits_file,
            max_person=args.max_person,
            img_shape=args.img_shape,
            skip_bad=args.skip_bad), args))


if __name__ == '__main__':
    main()
