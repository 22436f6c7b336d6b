"""Print the superclasses stored in an ACLNet checkpoint.

    python tools/analysis/show_superclasses.py CONFIG CHECKPOINT [--top N]

For each class: its superclass members (the classes its inter-class loss
contrasts against), its temperature and its most-confused classes with
counts. Class names come from the training dataset's ``METAINFO`` when it
has ``classes``; when it also has ``groups`` (the demo's planted groups of
confusable classes), the share of superclass members inside the class's own
group is printed as well. The checkpoint must be of the config's model
(one error names the keys and shapes that differ).
"""
import argparse

import torch

import aclnet_mm  # noqa: F401  (shims + registration, before mmaction)
from aclnet_mm.engine import CheckpointError
from aclnet_mm.visualization.checkpoint_state import (class_names,
                                                      dataset_metainfo,
                                                      load_inter_state)
from mmaction.utils import register_all_modules
from mmengine.config import Config


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--top', type=int, default=3,
                        help='most-confused classes to list per class')
    return parser.parse_args()


def main():
    args = parse_args()
    register_all_modules()
    cfg = Config.fromfile(args.config)
    try:  # weights_only=True; the checkpoint must be of cfg's model
        inter, meta = load_inter_state(args.checkpoint, cfg)
    except (FileNotFoundError, CheckpointError, ValueError) as err:
        raise SystemExit(f'show_superclasses.py: {err}')
    members, tau = inter['superclass'], inter['temperature']
    confusion, active = inter['confusion'], bool(inter['active'])
    K = members.shape[0]

    names = class_names(cfg, K)
    groups = dataset_metainfo(cfg).get('groups')
    group_of = ({c: g for g, cs in enumerate(groups) for c in cs}
                if groups else None)

    print(f'{args.checkpoint}: epoch {meta.get("epoch")}, '
          f'{K} classes, inter loss active: {active}')
    if not active:
        print('no superclasses built yet (before start_epoch)')
        return
    inside = total = 0
    for k in range(K):
        row = torch.nonzero(members[k]).flatten().tolist()
        top = torch.argsort(confusion[k], descending=True,
                            stable=True)[:args.top].tolist()
        confused = ', '.join(f'{names[j]} ({int(confusion[k, j])})'
                             for j in top if confusion[k, j] > 0)
        print(f'[{k:3d}] {names[k]}  tau={float(tau[k]):.1f}')
        print(f'      superclass: {", ".join(names[j] for j in row)}')
        print(f'      most confused with: {confused or "-"}')
        if group_of is not None:
            inside += sum(group_of[j] == group_of[k] for j in row if j != k)
            total += sum(1 for j in row if j != k)
    if group_of is not None and total:
        print(f'superclass members inside the planted group: {inside} / '
              f'{total}')


if __name__ == '__main__':
    main()
