"""Figures of what ACLNet learned, from a config and a checkpoint.

    python tools/analysis/plot_acl.py confusion    CONFIG CKPT [--out F]
        [--top N]
    python tools/analysis/plot_acl.py superclasses CONFIG CKPT [--out F]
    python tools/analysis/plot_acl.py affinity     CONFIG CKPT [--out F]
        [--split val|test|train] [--classes 0 3 ...] [--max-samples N]
    python tools/analysis/plot_acl.py curves       WORK_DIR [--out F]

``confusion``: the inter loss's confusion counts with classes ordered so
superclasses form blocks (members outlined); ``--top N`` keeps the N
classes with the most confusion mass (for K=400). ``superclasses``: classes
on a circle, an edge per superclass membership, coloured by temperature.
``affinity``: runs the model over a split (with a progress bar) and draws
each chosen class's mean joint-affinity graph on the skeleton and as a
``V x V`` heatmap, one file per class (``--out`` gets ``_<class>``
inserted). ``curves``: losses, validation accuracy and the ``acl/*``
scalars of the newest ``vis_data/scalars.json`` under WORK_DIR.

The output format follows ``--out``'s extension (png, svg, pdf). Class
names come from ``--label-map`` (one per line) or the training dataset's
``METAINFO['classes']``, else indices. Checkpoints load with the safe
loader (``weights_only=True``) and must be of the config's model (one
error names the keys and shapes that differ).
"""
import argparse
import glob
import json
import os
import sys

import numpy as np

import aclnet_mm  # noqa: F401  (shims + registration, before mmaction)
from aclnet_mm.engine import CheckpointError, load_weights_strict
from aclnet_mm.visualization import figures, superclass_order
from aclnet_mm.visualization.checkpoint_state import (class_names,
                                                      load_inter_state)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest='command', required=True)
    for name in ('confusion', 'superclasses', 'affinity'):
        p = sub.add_parser(name)
        p.add_argument('config')
        p.add_argument('checkpoint')
        p.add_argument('--out', default=f'{name}.png')
        p.add_argument('--dpi', type=int, default=150)
        p.add_argument('--label-map', default=None)
        if name == 'confusion':
            p.add_argument('--top', type=int, default=None)
        if name == 'affinity':
            p.add_argument('--split', choices=('train', 'val', 'test'),
                           default='val')
            p.add_argument('--classes', type=int, nargs='+', default=None,
                           help='classes to draw (default: up to 4 with '
                           'the most samples)')
            p.add_argument('--max-samples', type=int, default=None)
            p.add_argument('--device', default='cpu')
    p = sub.add_parser('curves')
    p.add_argument('work_dir')
    p.add_argument('--out', default='curves.png')
    p.add_argument('--dpi', type=int, default=150)
    return parser.parse_args(argv)


def _fail(message: str):
    raise SystemExit(f'plot_acl.py: {message}')


def _inter_state(checkpoint: str, cfg):
    try:
        return load_inter_state(checkpoint, cfg)[0]
    except (FileNotFoundError, CheckpointError, ValueError) as err:
        _fail(str(err))


def _config(path):
    from mmaction.utils import register_all_modules
    from mmengine.config import Config
    register_all_modules(init_default_scope=True)
    return Config.fromfile(path)


def _names(cfg, K, label_map):
    try:
        return class_names(cfg, K, label_map)
    except ValueError as err:
        _fail(str(err))


def _save(fig, out, dpi=150):
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    fig.savefig(out, dpi=dpi)
    print(f'wrote {out}')


def cmd_table(args, kind):
    cfg = _config(args.config)
    inter = {
        k: v.numpy()
        for k, v in _inter_state(args.checkpoint, cfg).items()
    }
    members, confusion = inter['superclass'], inter['confusion']
    if not bool(inter['active']):
        print('note: the inter loss is not active yet (before start_epoch):'
              ' no superclasses in this checkpoint')
    K = members.shape[0]
    names = _names(cfg, K, args.label_map)
    order = superclass_order(members, confusion)
    if kind == 'confusion':
        fig = figures.plot_confusion(confusion, order, names, members,
                                     top=args.top)
    else:
        tau = inter['temperature']
        fig = figures.plot_superclass_graph(members, tau, order, names)
    _save(fig, args.out, args.dpi)


def cmd_affinity(args):
    import torch
    from mmengine.runner import Runner
    from mmengine.utils import ProgressBar

    from aclnet_mm.layouts import get_layout
    from aclnet_mm.visualization import canonical_pose, collect_class_affinity
    from mmaction.registry import MODELS
    cfg = _config(args.config)
    model = MODELS.build(cfg.model)
    try:
        load_weights_strict(model, args.checkpoint,
                            target=f'the model of {args.config}')
    except (FileNotFoundError, CheckpointError) as err:
        _fail(str(err))
    model.to(torch.device(args.device))
    loader_cfg = cfg[f'{args.split}_dataloader'].copy()
    loader_cfg['num_workers'] = 0
    loader_cfg['persistent_workers'] = False
    loader = Runner.build_dataloader(loader_cfg)
    total = len(loader.dataset)
    if args.max_samples:
        total = min(total, args.max_samples)

    def batches():
        seen = 0
        for batch in loader:
            yield batch
            seen += len(batch['data_samples'])
            if args.max_samples and seen >= args.max_samples:
                return

    layout = cfg.model.backbone.graph_cfg.layout
    V = get_layout(layout).num_node
    K = cfg.model.cls_head.num_classes
    bar = ProgressBar(total)
    mean, count = collect_class_affinity(model, batches(), K, V,
                                         progress=bar)
    print()
    names = _names(cfg, K, args.label_map)
    most = np.argsort(-count, kind='stable')[:4]
    classes = args.classes or [int(k) for k in most if count[k] > 0]
    pose = canonical_pose(layout)
    edges = get_layout(layout).inward
    stem, ext = os.path.splitext(args.out)
    for k in classes:
        if not 0 <= k < K or count[k] == 0:
            _fail(f'class {k} has no sample in split {args.split!r}')
        fig = figures.plot_affinity(
            mean[k], pose, edges,
            title=f'{names[k]}: mean affinity of {count[k]} '
            f'{args.split} samples')
        _save(fig, f'{stem}_{k}{ext}', args.dpi)


def cmd_curves(args):
    found = sorted(glob.glob(os.path.join(args.work_dir, '*', 'vis_data',
                                          'scalars.json')))
    if not found:
        _fail(f'no */vis_data/scalars.json under {args.work_dir}')
    with open(found[-1]) as f:
        records = [json.loads(line) for line in f if line.strip()]
    fig = figures.plot_curves(records, title=os.path.dirname(
        os.path.dirname(found[-1])))
    _save(fig, args.out, args.dpi)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.command in ('confusion', 'superclasses'):
        cmd_table(args, args.command)
    elif args.command == 'affinity':
        cmd_affinity(args)
    else:
        cmd_curves(args)
    return 0


if __name__ == '__main__':
    sys.exit(main())
