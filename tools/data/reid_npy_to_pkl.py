"""Convert skeleton re-ID per-axis npy files (TranSG layout) to a pickle.

::

    python tools/data/reid_npy_to_pkl.py ROOT OUT_PKL \\
        --dataset KS20|KGBD|IAS|BIWI [--frames 6] [--probe NAME] \\
        [--gallery NAME] [--no-reorder-kgbd] [--skip-bad] [--overwrite]

ROOT is ``Datasets/<DATASET>/<f>`` (holding ``train_npy_data`` and
``test_npy_data``), ``Datasets/<DATASET>`` or ``Datasets``. The probe
defaults to ``probe`` (KS20, KGBD), ``A`` (IAS) or ``Walking`` (BIWI); the
gallery to the subset TranSG pairs with it (``gallery``; IAS ``A`` <->
``B``; BIWI ``Walking`` <-> ``Still``). The pickle has the splits
``train``, ``test`` (probe + gallery), ``probe`` and ``gallery``. See
:mod:`aclnet_mm.datasets.converters.readers.reid_npy` for the file layout
and the rules.

The options, checks and bad-input policy shared by every converter are
in :mod:`aclnet_mm.datasets.converters.cli` and ``.assembly``.
"""
import argparse

from aclnet_mm.datasets.converters import convert_reid_npy
from aclnet_mm.datasets.converters.cli import (add_output_arguments,
                                               run_conversion)
from aclnet_mm.datasets.converters.readers.reid_npy import DATASET_JOINTS


def parse_args(argv=None) -> argparse.Namespace:
    """Parse the command line.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` if None.

    Returns:
        argparse.Namespace: The parsed arguments.
    """
    parser = argparse.ArgumentParser(
        description='Convert skeleton re-ID per-axis npy files (TranSG, '
        'SPC-MGR, SimMC, Hi-MPC) to a PoseDataset pickle.')
    parser.add_argument(
        'root',
        help='Datasets/<DATASET>/<f> (or Datasets/<DATASET>, or Datasets)')
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
        'probe)')
    parser.add_argument(
        '--no-reorder-kgbd',
        dest='reorder_kgbd',
        action='store_false',
        help='keep the joint order of the KGBD files instead of mapping '
        'it to Kinect v1')
    add_output_arguments(parser)
    return parser.parse_args(argv)


def main(argv=None) -> None:
    """Convert and write the pickle."""
    args = parse_args(argv)
    print(
        run_conversion(
            lambda: convert_reid_npy(
                args.root,
                args.dataset,
                frames=args.frames,
                probe=args.probe,
                gallery=args.gallery,
                reorder_kgbd=args.reorder_kgbd,
                skip_bad=args.skip_bad), args))


if __name__ == '__main__':
    main()
