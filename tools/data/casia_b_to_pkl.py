"""Convert CASIA-B-style gait poses to a pickle with splits train/test.

::

    python tools/data/casia_b_to_pkl.py SRC OUT_PKL \\
        --format gaitgraph-csv|opengait-pkl|folder [--pattern REGEX] \\
        [--train-subjects 1-74] [--test-subjects 75-124] \\
        [--img-shape H W] [--seq-start N] [--skip-bad] [--overwrite]

- ``gaitgraph-csv``: SRC is GaitGraph's ``casia-b_pose_coco.csv`` (or one
  of its split files).
- ``opengait-pkl``: SRC holds ``<sid>/<cond-seq>/<view>/<view>.pkl``
  (OpenGait's pose pretreatment, FastPoseGait's CASIA-B-Pose).
- ``folder``: SRC is a folder of per-sequence AlphaPose/MMPose JSON files;
  ``--pattern`` is a regex on the file name with the named groups
  ``subject``, ``view``, ``condition`` (optional ``seq``, ``direction``),
  or a preset: ``psymo`` or ``casia-b``.

Subjects are split by ID ranges (the CASIA-B standard by default), e.g. for
PsyMo ``--train-subjects 0-5 --test-subjects 6-9``. Training subjects get
labels 0..K-1, test subjects -1. See
:func:`aclnet_mm.datasets.converters.convert.convert_gait` and its readers
for the rules on missing frames, several detections, empty sequences and
condition names.

The options, checks and bad-input policy shared by every converter are
in :mod:`aclnet_mm.datasets.converters.cli` and ``.assembly``.
"""
import argparse

from aclnet_mm.datasets.converters import convert
from aclnet_mm.datasets.converters.cli import (add_output_arguments,
                                               run_conversion)
from aclnet_mm.datasets.converters.identifiers import PATTERN_PRESETS


def parse_args(argv=None) -> argparse.Namespace:
    """Parse the command line.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` if None.

    Returns:
        argparse.Namespace: The parsed arguments.
    """
    parser = argparse.ArgumentParser(
        description='Convert CASIA-B-style gait poses (GaitGraph CSV, '
        'OpenGait/FastPoseGait pose pkl tree, or a folder of AlphaPose/'
        'MMPose JSON) to a PoseDataset pickle with splits train and test.')
    parser.add_argument('src', help='CSV file or input folder')
    parser.add_argument(
        '--format',
        required=True,
        choices=convert.GAIT_FORMATS,
        help='input format')
    parser.add_argument(
        '--pattern',
        help='folder format only: regex on the file name with named groups '
        'subject, view, condition (optional seq, direction), or a preset: '
        f'{", ".join(PATTERN_PRESETS)}')
    parser.add_argument(
        '--train-subjects',
        default=convert.CASIA_B_TRAIN_SUBJECTS,
        help='training subject IDs, e.g. "1-74" or "1-59,60-74" '
        '(default: %(default)s)')
    parser.add_argument(
        '--test-subjects',
        default=convert.CASIA_B_TEST_SUBJECTS,
        help='test subject IDs (default: %(default)s)')
    parser.add_argument(
        '--img-shape',
        type=int,
        nargs=2,
        metavar=('H', 'W'),
        help='video size stored as img_shape (default: 240 320 for the CSV '
        'and pkl formats (CASIA-B), 1080 1920 for folder (PsyMo))')
    parser.add_argument(
        '--seq-start',
        type=int,
        help='folder format: the seq number of the first run, which '
        'becomes <cond>-01 (default: the smallest seq found)')
    add_output_arguments(parser)
    args = parser.parse_args(argv)
    if (args.pattern is None) == (args.format == 'folder'):
        parser.error('--pattern is required with --format folder and '
                     'only allowed there')
    return args


def main(argv=None) -> None:
    """Convert and write the pickle."""
    args = parse_args(argv)
    print(run_conversion(
        lambda: convert.convert_gait(
            args.src,
            args.format,
            pattern=args.pattern,
            train_subjects=args.train_subjects,
            test_subjects=args.test_subjects,
            img_shape=args.img_shape,
            seq_start=args.seq_start,
            skip_bad=args.skip_bad), args))


if __name__ == '__main__':
    main()
