"""Convert skeleton re-ID per-axis npy files (TranSG layout) to a pickle.

::

    python tools/data/reid_npy_to_pkl.py ROOT OUT_PKL \\
        --dataset KS20|KGBD|IAS|BIWI [--frames 6] [--probe NAME] \\
        [--gallery NAME] [--no-reorder-kgbd]

ROOT is ``Datasets/<DATASET>/<f>`` (holding ``train_npy_data`` and
``test_npy_data``), ``Datasets/<DATASET>`` or ``Datasets``. The probe
defaults to ``probe`` (KS20, KGBD), ``A`` (IAS) or ``Walking`` (BIWI); the
gallery to the subset TranSG pairs with it (``gallery``; IAS ``A`` <->
``B``; BIWI ``Walking`` <-> ``Still``). The pickle has the splits
``train``, ``test`` (probe + gallery), ``probe`` and ``gallery``. See
:mod:`aclnet_mm.datasets.converters.reid_npy` for the file layout and the
rules. Nothing is written if the run stops on an error.
"""
import argparse
import importlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _cli import convert_and_write, load_converters  # noqa: E402

DATASETS = ('KS20', 'KGBD', 'IAS', 'BIWI')

converters = load_converters()
common = converters.common
reid_npy = importlib.import_module('_aclnet_converters.reid_npy')


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
    parser.add_argument('out', help='output .pkl file')
    parser.add_argument('--dataset', required=True, choices=DATASETS)
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
    return parser.parse_args(argv)


def _describe(result) -> str:
    roles = reid_npy.role_summary(result.data)
    return (common.format_summary(result.summary()) + '; ' +
            ', '.join(f'{role} {c["samples"]} samples of {c["subjects"]} '
                      'subjects' for role, c in roles.items()))


def main(argv=None) -> None:
    """Convert and write the pickle."""
    args = parse_args(argv)
    convert_and_write(
        lambda: reid_npy.convert_reid_npy(
            args.root,
            args.dataset,
            frames=args.frames,
            probe=args.probe,
            gallery=args.gallery,
            reorder_kgbd=args.reorder_kgbd), args.out, _describe)


if __name__ == '__main__':
    main()
