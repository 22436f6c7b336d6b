"""Convert skeletons held as NumPy arrays (an ``.npz`` file or a folder of
``<key>.npy`` files) to a ``PoseDataset`` pickle (``--help`` for the
options).

Keypoints ``(N, T, V, C)`` or ``(N, M, T, V, C)`` and labels ``(N, )``,
optionally scores, sample names, class names, subjects and a split. The
arrays and their checks are those of
:mod:`aclnet_mm.datasets.converters.readers.numpy_arrays`; labels and
splits, of :func:`aclnet_mm.datasets.converters.convert.convert_arrays`;
the output options and the bad-input policy, of
:mod:`aclnet_mm.datasets.converters.cli`.

Example (MSRC-12, keys ``x``, ``y``, ``subject``, ``train``)::

    python tools/data/arrays_to_pkl.py msrc12_w70.npz data/msrc12/msrc12.pkl \\
        --layout kinect_v1 --split-key train --subject-key subject
"""
import argparse

from aclnet_mm.datasets.converters import convert_arrays
from aclnet_mm.datasets.converters.cli import (add_output_arguments,
                                               run_conversion)
from aclnet_mm.layouts import LAYOUTS


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert skeletons held as NumPy arrays (an .npz file '
        'or a folder of <key>.npy files) to a PoseDataset pickle.')
    parser.add_argument(
        'src', help='.npz file, or folder of <key>.npy files (one per key)')
    parser.add_argument(
        '--layout',
        required=True,
        help=f'joint layout: a name ({", ".join(sorted(LAYOUTS))}) or a '
        'JSON file of a layout dict (num_node, inward, center, ...); the '
        'joint count V must match it')
    keys = parser.add_argument_group('array names')
    keys.add_argument(
        '--keypoint-key',
        help='keypoints (N, T, V, C) or (N, M, T, V, C) (default: keypoint, '
        'else x)')
    keys.add_argument(
        '--label-key',
        help='labels (N, ): integers, or class names (default: label, '
        'else y)')
    keys.add_argument(
        '--score-key',
        help='keypoint scores (N, T, V) or (N, M, T, V) (default: '
        'keypoint_score if present)')
    keys.add_argument(
        '--name-key',
        help='unique sample names (N, ) (default: frame_dir if present, '
        'else sample_000000, ...)')
    keys.add_argument(
        '--subject-key',
        help='integer subject IDs (N, ), stored as subject_id')
    keys.add_argument(
        '--class-names-key',
        help='class names (K, ) (default: class_names if present)')
    parser.add_argument(
        '--class-names',
        help='file of class names, one per line: maps string labels and '
        'bounds integer ones')
    split = parser.add_argument_group(
        'split (at most one; default: one split "all")')
    rule = split.add_mutually_exclusive_group()
    rule.add_argument(
        '--split-key',
        help='booleans (N, ) (True: train, False: test) or split names')
    rule.add_argument(
        '--train-subjects',
        help='subject ranges of the train split, e.g. 1-15 or 1,3,5 '
        '(needs --subject-key)')
    rule.add_argument('--splits-file', help='lines "split_name sample_name"')
    split.add_argument(
        '--test-subjects',
        help='subject ranges of the test split (default: every subject '
        'not in --train-subjects; others are dropped)')
    parser.add_argument(
        '--img-shape',
        type=int,
        nargs=2,
        metavar=('H', 'W'),
        help='video size of 2D pixel coordinates, stored as img_shape/'
        'original_shape (default: not stored)')
    add_output_arguments(parser)
    return parser.parse_args(argv)


def main(argv=None) -> None:
    print(run_conversion(convert_arrays, parse_args(argv)))


if __name__ == '__main__':
    main()
