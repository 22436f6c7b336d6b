"""Train a tiny ACLNet for a few iterations on a converted pickle.

    python tools/analysis/smoke_train.py ANN_PKL --split xsub_train \\
        --layout nturgb+d [--iters 8] [--batch-size 4] [--clip-len 32]

A quick check that a pickle written by ``tools/data/*_to_pkl.py`` (or any
MMAction2 ``PoseDataset`` pickle, read by ``CheckedPoseDataset``: checked,
never unpickling code) loads, goes through a skeleton pipeline
and trains: it prints the number of samples, the input shape and the losses
of every iteration (which should be finite and, over a few iterations,
mostly fall). Confusion counting is on from the start and the superclasses
are rebuilt halfway, so the inter loss runs in the second half. 3D layouts
(``nturgb+d``) are centred with ``PreNormalize3D``;
2D data is normalised by the image size with ``PreNormalize2D`` and keeps
its score as the third channel.
"""
import argparse

import torch

import aclnet_mm  # noqa: F401  (shims + registration, before mmaction)
from mmaction.registry import DATASETS, MODELS
from mmaction.utils import register_all_modules
from mmengine.dataset import pseudo_collate


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('ann_file')
    parser.add_argument('--split', required=True)
    parser.add_argument('--layout', default='nturgb+d',
                        help='nturgb+d, coco, openpose or coco_new')
    parser.add_argument('--iters', type=int, default=8)
    parser.add_argument('--batch-size', type=int, default=4)
    parser.add_argument('--clip-len', type=int, default=32)
    return parser.parse_args()


def main():
    args = parse_args()
    register_all_modules()
    torch.manual_seed(0)
    pre = (dict(type='PreNormalize3D', align_spine=False,
                align_shoulder=False) if args.layout == 'nturgb+d' else
           dict(type='PreNormalize2D'))
    pipeline = [
        pre,
        dict(type='UniformSampleFrames', clip_len=args.clip_len),
        dict(type='PoseDecode'),
        dict(type='FormatGCNInput', num_person=2),
        dict(type='PackActionInputs')
    ]
    dataset = DATASETS.build(
        dict(type='CheckedPoseDataset', ann_file=args.ann_file,
             split=args.split, pipeline=pipeline))
    labels = sorted({dataset.get_data_info(i)['label']
                     for i in range(len(dataset))})
    num_classes = max(labels) + 1
    first = dataset[0]['inputs']
    print(f'{args.ann_file} [{args.split}]: {len(dataset)} samples, '
          f'{len(labels)} labels, inputs {tuple(first.shape)}')
    model = MODELS.build(
        dict(
            type='RecognizerGCN',
            backbone=dict(
                type='ACLGCN', graph_cfg=dict(layout=args.layout),
                in_channels=first.shape[-1], base_channels=8, num_stages=2,
                inflate_stages=(2, ), down_stages=(2, )),
            cls_head=dict(
                type='ACLHead', num_classes=num_classes, in_channels=16,
                layout=args.layout,
                loss_intra=dict(type='IntraMarginContrastiveLoss',
                                loss_weight=0.1, memory_size=8))))
    optim = torch.optim.Adam(model.parameters(), lr=0.01)
    order = torch.randperm(len(dataset))
    model.cls_head.set_counting(True)  # as from start_epoch on
    for it in range(args.iters):
        if it == args.iters // 2:  # superclasses from the counts so far
            model.cls_head.rebuild_superclasses()
        idx = order[(torch.arange(args.batch_size) + it * args.batch_size) %
                    len(dataset)]
        batch = model.data_preprocessor(
            pseudo_collate([dataset[int(i)] for i in idx]), True)
        losses = model(**batch, mode='loss')
        loss = sum(v for k, v in losses.items() if 'loss' in k)
        optim.zero_grad()
        loss.backward()
        optim.step()
        terms = ' '.join(f'{k}={float(v.detach()):.4f}'
                         for k, v in losses.items()
                         if 'loss' in k)
        print(f'iter {it + 1}: loss={float(loss.detach()):.4f} {terms}')


if __name__ == '__main__':
    main()
