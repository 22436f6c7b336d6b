"""Convert skeleton re-ID per-axis npy files (TranSG layout) to a
``PoseDataset`` pickle with the splits train, test (probe + gallery),
probe and gallery (``--help`` for the options).

The file layout and the rules are those of
:mod:`aclnet_mm.datasets.converters.readers.reid_npy` and
:func:`aclnet_mm.datasets.converters.convert.convert_reid_npy`; the output
options and the bad-input policy, of :mod:`aclnet_mm.datasets.converters.cli`.
"""
import argparse

from aclnet_mm.datasets.converters import convert_reid_npy
from aclnet_mm.datasets.converters.cli import (add_output_arguments,
                                               run_conversion)
from aclnet_mm.datasets.converters.readers.reid_npy import DATASET_JOINTS


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert skeleton re-ID per-axis npy files (TranSG, '
        'SPC-MGR, SimMC, Hi-MPC) to a PoseDataset pickle.')
    parser.add_argument(
        'root',
        help='Datasets/<DATASET>/<f> (holding train_npy_data and '
        'test_npy_data), Datasets/<DATASET>, or Datasets')
    parser.add_argument(
        '--dataset', required=True, choices=sorted(DATASET_JOINTS))
    parser.add_argument(
        '--frames',
        type=int,
        default=6,
        help='sequence length f in the file names (default: 6)')
    parser.add_argument(
        '--probe',
        help='probe subset, a test_npy_data folder (default: probe, '
        'A for IAS, Walking for BIWI)')
    parser.add_argument(
        '--gallery',
        help='gallery subset (default: the one TranSG pairs with the '
        'probe: gallery; IAS A <-> B; BIWI Walking <-> Still)')
    parser.add_argument(
        '--no-reorder-kgbd',
        dest='reorder_kgbd',
        action='store_false',
        help='keep the joint order of the KGBD files instead of mapping '
        'it to Kinect v1')
    add_output_arguments(parser)
    return parser.parse_args(argv)


def main(argv=None) -> None:
    print(run_conversion(convert_reid_npy, parse_args(argv)))


if __name__ == '__main__':
    main()
