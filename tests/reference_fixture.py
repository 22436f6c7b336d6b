"""Checkpoints in the reference implementation's format, for the tests.

The shapes of real reference checkpoints come from the committed manifests
``tests/data/reference_manifest_v{25,20}.json`` (written from the
reference's own model by ``tools/analysis/check_reference_conversion.py
--write-manifest``). Tiny models have no reference counterpart: for them
:func:`reference_spec_of` restates the reference's naming by hand.
"""
import json
import os
from collections import OrderedDict

import numpy as np
import torch

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data')
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_manifest(joints):
    """``(config path, {key: {'shape', 'dtype'}})`` of a manifest."""
    with open(os.path.join(DATA, f'reference_manifest_v{joints}.json')) as f:
        data = json.load(f)
    return os.path.join(ROOT, data['config']), data['state_dict']


def mmcv1_meta(epoch=148):
    """A ``meta`` as the reference's mmcv-1.x runner writes it."""
    return dict(
        env_info='sys.platform: linux',
        seed=42,
        config_name='j.py',
        work_dir='j',
        aclnet_version='0.1.0+0fab868',
        config="model = dict(type='RecognizerGCN')",
        epoch=epoch,
        iter=epoch * 100,
        mmcv_version='1.5.0',
        time='Wed Jul 17 21:24:59 2024',
        hook_msgs=dict(
            last_ckpt=f'./work_dirs/j/epoch_{epoch}.pth',
            best_score=np.float64(0.9144),  # numpy scalar, as mmcv stores
            best_ckpt=f'./work_dirs/j/best_top1_acc_epoch_{epoch}.pth'))


def random_state(spec, seed=0):
    """Random tensors of the names, shapes and dtypes of ``spec``."""
    gen = torch.Generator().manual_seed(seed)
    state = OrderedDict()
    for key, entry in spec.items():
        dtype = getattr(torch, entry['dtype'])
        if key.endswith('running_var'):  # positive, as BN needs
            state[key] = 0.5 + torch.rand(entry['shape'], generator=gen)
        elif dtype.is_floating_point:
            state[key] = torch.randn(entry['shape'], generator=gen).to(dtype)
        else:
            state[key] = torch.randint(
                0, 1000, entry['shape'], generator=gen, dtype=dtype)
    return state


def save_reference(state, path, meta=None):
    """Save ``state`` as the reference's runner does (with optimizer)."""
    optimizer = dict(
        state={0: dict(momentum_buffer=torch.zeros(3))},
        param_groups=[
            dict(
                lr=0.025,
                momentum=0.9,
                nesterov=True,
                weight_decay=5e-4,
                params=[0])
        ])
    torch.save(
        dict(
            meta=mmcv1_meta() if meta is None else meta,
            state_dict=state,
            optimizer=optimizer), str(path))
    return str(path)


def reference_spec_of(model):
    """The reference's names and shapes for an aclnet_mm ACLNet model.

    By hand from the reference's source: the backbone's names are the
    same, ``add_coeff`` has 25 entries whatever ``V``, the classifier is
    ``fc_cls``, the projections are ``inter_loss.cl_fc`` and
    ``intra_loss.cl_fc``, and the losses' buffers are not saved.
    """
    spec = OrderedDict()
    buffers = {name for name, _ in model.named_buffers()}
    for key, value in model.state_dict().items():
        shape = list(value.shape)
        if key.startswith('cls_head.loss_') and key in buffers:
            continue
        if key.endswith('tcn.add_coeff'):
            shape = [25]
        key = key.replace('cls_head.fc.', 'cls_head.fc_cls.').replace(
            'cls_head.loss_inter.proj.', 'cls_head.inter_loss.cl_fc.').replace(
                'cls_head.loss_intra.proj.', 'cls_head.intra_loss.cl_fc.')
        spec[key] = dict(shape=shape, dtype=str(value.dtype).split('.')[-1])
    return spec
