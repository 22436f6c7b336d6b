"""Convert CASIA-B-style gait poses to a ``PoseDataset`` pickle with the
splits train and test (``--help`` for the options).

Formats: ``gaitgraph-csv`` (GaitGraph's ``casia-b_pose_coco.csv`` or one of
its split files), ``opengait-pkl`` (``<sid>/<cond-seq>/<view>/<view>.pkl``:
OpenGait's pose pretreatment, FastPoseGait's CASIA-B-Pose) and ``folder``
(per-sequence AlphaPose/MMPose JSON whose names give the IDs, read with
``--pattern``). Subjects are split by ID ranges, the CASIA-B standard by
default; e.g. PsyMo: ``--pattern psymo --train-subjects 0-5
--test-subjects 6-9``. The rules are those of
:func:`aclnet_mm.datasets.converters.convert.convert_gait` and its
readers; the output options and the bad-input policy, of
:mod:`aclnet_mm.datasets.converters.cli`.
"""
import argparse

from aclnet_mm.datasets.converters import convert
from aclnet_mm.datasets.converters.cli import (add_output_arguments,
                                               run_conversion)
from aclnet_mm.datasets.converters.identifiers import PATTERN_PRESETS


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert CASIA-B-style gait poses (GaitGraph CSV, '
        'OpenGait/FastPoseGait pose pkl tree, or a folder of AlphaPose/'
        'MMPose JSON) to a PoseDataset pickle with splits train and test.')
    parser.add_argument('src', help='CSV file or input folder')
    parser.add_argument(
        '--format',
        dest='fmt',
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
        help='training subject IDs (labels 0..K-1), e.g. "1-74" or '
        '"1-59,60-74" (default: %(default)s)')
    parser.add_argument(
        '--test-subjects',
        default=convert.CASIA_B_TEST_SUBJECTS,
        help='test subject IDs (label -1) (default: %(default)s)')
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
    if (args.pattern is None) == (args.fmt == 'folder'):
        parser.error('--pattern is required with --format folder and '
                     'only allowed there')
    return args


def main(argv=None) -> None:
    print(run_conversion(convert.convert_gait, parse_args(argv)))


if __name__ == '__main__':
    main()
