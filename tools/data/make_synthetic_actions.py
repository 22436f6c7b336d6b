"""Write the synthetic skeleton actions as a ``PoseDataset`` pickle.

The file holds ``dict(split=dict(train=[...], val=[...]), annotations=[...])``
with the same samples that ``SyntheticActionDataset`` generates in memory
for the same arguments, so it can be used with MMAction2's ``PoseDataset``
(``split='train'`` / ``split='val'``)::

    python tools/data/make_synthetic_actions.py data/synthetic/actions.pkl \\
        --num-per-class 30 --seed 0
"""
import argparse
import sys
import time

from aclnet_mm.datasets.converters import OutputError, write_pickle
from aclnet_mm.datasets.synthetic_actions import (SYNTHETIC_CLASSES,
                                                  VAL_SEED_OFFSET,
                                                  make_synthetic_actions)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Generate the synthetic skeleton actions as a '
        'PoseDataset pickle (train and val splits).')
    parser.add_argument('out', help='output .pkl file')
    parser.add_argument(
        '--num-per-class',
        type=int,
        default=30,
        help='samples per class in each split (default: 30)')
    parser.add_argument(
        '--seed', type=int, default=0, help='random seed (default: 0)')
    parser.add_argument(
        '--min-frames',
        type=int,
        default=40,
        help='shortest sequence (default: 40)')
    parser.add_argument(
        '--max-frames',
        type=int,
        default=64,
        help='longest sequence (default: 64)')
    parser.add_argument(
        '--overwrite', action='store_true', help='replace OUT if it exists')
    return parser.parse_args(argv)


def build(num_per_class: int, seed: int, min_frames: int,
          max_frames: int) -> dict:
    """Generate both splits in ``PoseDataset`` pickle layout.

    Args:
        num_per_class (int): Samples per class in each split.
        seed (int): Seed of the train split; val uses
            ``seed + VAL_SEED_OFFSET``.
        min_frames (int): Shortest sequence length.
        max_frames (int): Longest sequence length.

    Returns:
        dict: ``dict(split=dict(train=[...], val=[...]),
        annotations=[...])``.
    """
    split, annotations = {}, []
    for name, split_seed in (('train', seed), ('val', seed + VAL_SEED_OFFSET)):
        annos = make_synthetic_actions(
            num_per_class,
            seed=split_seed,
            min_frames=min_frames,
            max_frames=max_frames,
            prefix=f'syn_{name}')
        split[name] = [a['frame_dir'] for a in annos]
        annotations.extend(annos)
    return dict(split=split, annotations=annotations)


def main(argv=None) -> None:
    """Generate the data and write the pickle."""
    args = parse_args(argv)
    start = time.perf_counter()
    try:
        data = build(args.num_per_class, args.seed, args.min_frames,
                     args.max_frames)
    except ValueError as err:
        sys.exit(f'error: {err}')
    try:
        write_pickle(data, args.out, args.overwrite)
    except OutputError as err:
        raise SystemExit(f'error: {err}') from None
    print(f'wrote {args.out}: {len(SYNTHETIC_CLASSES)} classes, '
          f'{len(data["split"]["train"])} train and '
          f'{len(data["split"]["val"])} val samples '
          f'({time.perf_counter() - start:.1f} s)')


if __name__ == '__main__':
    main()
