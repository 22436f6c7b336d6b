"""Check converted reference checkpoints against the reference's own model.

    python tools/analysis/check_reference_conversion.py \\
        --ref-dir /path/to/ACLNet [--device cuda] [--frames 50] \\
        [--write-manifest tests/data]

For NTU-60 j (25 joints, 60 classes) and K400 j (20 joints, 400
classes) it builds the reference's model (``GCN_Module`` + ``SimpleHead``
from the reference's own source and configs) with random weights and random
BatchNorm statistics, saves it as the reference's mmcv-1.x code does
(``meta`` with numpy scalars, ``state_dict``, ``optimizer``), converts the
file with :func:`aclnet_mm.engine.reference_checkpoint.convert_checkpoint`
for the matching aclnet_mm config, loads the result the way ``mim test``
does and compares both models in float64, eval mode, on the same random
clips: backbone features, affinity graph, class scores (logits) and the
clip-averaged probabilities of the test step. Prints the largest absolute
difference of each; exit code 1 if one exceeds ``--tolerance`` (1e-9).

The reference is read from a checkout you give (``--ref-dir``, the
repository root of firework8/ACLNet); nothing of it is part of this
project. Its few mmcv-1.x imports (``build_norm_layer`` and
``build_activation_layer`` for 'BN'/'ReLU', ``normal_init``,
``load_checkpoint``) and package-level imports are stubbed at run time, for
the duration of the import only. ``--write-manifest DIR`` also writes the
key names, shapes and dtypes of the two saved state dicts
(``reference_manifest_v25.json``, ``reference_manifest_v20.json``), the
facts the unit tests check the converter against without the reference.
"""
import argparse
import contextlib
import importlib
import json
import os
import os.path as osp
import runpy
import sys
import tempfile
import time
import types
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch
import torch.nn as nn

import aclnet_mm  # noqa: F401  (shims, registration, safe loading)
from aclnet_mm.engine.reference_checkpoint import (build_model,
                                                   convert_checkpoint)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
#: (name, reference config, aclnet_mm config, manifest file)
CASES = (
    ('NTU-60 j', 'configs/ntu60_xsub/j.py',
     'configs/ntu60/aclnet_ntu60-xsub_j.py', 'reference_manifest_v25.json'),
    ('K400 j', 'configs/k400/j.py', 'configs/k400/aclnet_k400_j.py',
     'reference_manifest_v20.json'),
)
PKG = '_aclnet_reference'  # private name the reference's files load under


class _Registry:
    """Stand-in for an mmcv ``Registry``: registration is a no-op."""

    def register_module(self, *args, **kwargs):
        return lambda cls: cls


class _NoParamLoss(nn.Module):
    """The reference's CrossEntropyLoss holds no tensors; not used here."""


def _norm_layer(cfg, num_features, postfix=''):
    """mmcv-1.x ``build_norm_layer`` for the reference's only use, 'BN'."""
    if cfg.get('type') != 'BN' or len(cfg) != 1:
        raise NotImplementedError(f'stub build_norm_layer: {cfg}')
    return f'bn{postfix}', nn.BatchNorm2d(num_features)


def _activation(cfg):
    """mmcv-1.x ``build_activation_layer`` for 'ReLU'."""
    if cfg.get('type') != 'ReLU' or len(cfg) != 1:
        raise NotImplementedError(f'stub build_activation_layer: {cfg}')
    return nn.ReLU()


def _normal_init(module, mean=0., std=1., bias=0.):
    nn.init.normal_(module.weight, mean, std)
    if getattr(module, 'bias', None) is not None:
        nn.init.constant_(module.bias, bias)


def _module(name, **attrs):
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    return module


@contextlib.contextmanager
def _stubbed_imports(ref_dir: str):
    """sys.modules with the stubs the reference files need, then restored.

    The reference's package ``__init__`` files import its whole code base
    (datasets, mmcv runners); its packages are registered here as empty
    packages whose ``__path__`` is the reference's folder, so only the
    files asked for are executed.
    """
    root = osp.join(ref_dir, 'aclnet')
    packages = {
        PKG: root,
        f'{PKG}.models': osp.join(root, 'models'),
        f'{PKG}.models.gcns': osp.join(root, 'models', 'gcns'),
        f'{PKG}.models.gcns.utils': osp.join(root, 'models', 'gcns', 'utils'),
        f'{PKG}.models.heads': osp.join(root, 'models', 'heads'),
        f'{PKG}.models.losses': osp.join(root, 'models', 'losses'),
        f'{PKG}.utils': osp.join(root, 'utils'),
    }
    registry = _Registry()
    stubs = {
        'mmcv.cnn':
        _module(
            'mmcv.cnn',
            build_norm_layer=_norm_layer,
            build_activation_layer=_activation,
            normal_init=_normal_init),
        'mmcv.runner':
        _module('mmcv.runner', load_checkpoint=None),
        f'{PKG}.models.builder':
        _module(
            f'{PKG}.models.builder',
            BACKBONES=registry,
            HEADS=registry,
            build_loss=lambda cfg: _NoParamLoss()),
        f'{PKG}.core':
        _module(f'{PKG}.core', top_k_accuracy=None),
    }
    for name, path in packages.items():
        stubs[name] = _module(name, __path__=[path])
    saved = {name: sys.modules.get(name) for name in stubs}
    sys.modules.update(stubs)
    try:
        yield
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
        for name in [n for n in sys.modules if n.startswith(PKG + '.')]:
            sys.modules.pop(name)


def load_reference(ref_dir: str) -> Tuple[type, type]:
    """The reference's ``GCN_Module`` and ``SimpleHead`` classes."""
    needed = ('aclnet/models/gcns/gcn_module.py',
              'aclnet/models/gcns/utils/gcn.py',
              'aclnet/models/gcns/utils/tcn.py', 'aclnet/utils/graph.py',
              'aclnet/models/heads/base_simple_head.py',
              'aclnet/models/heads/base.py')
    for rel in needed:
        if not osp.isfile(osp.join(ref_dir, rel)):
            raise SystemExit(f'--ref-dir {ref_dir}: {rel} not found (give '
                             'the root of a checkout of firework8/ACLNet)')
    with _stubbed_imports(ref_dir):
        utils = sys.modules[f'{PKG}.models.gcns.utils']
        for name in ('gcn', 'tcn'):
            module = importlib.import_module(f'{PKG}.models.gcns.utils.'
                                             f'{name}')
            for attr in ('unit_gcn', 'mstcn', 'unit_tcn'):
                if hasattr(module, attr):
                    setattr(utils, attr, getattr(module, attr))
        graph = importlib.import_module(f'{PKG}.utils.graph')
        top = sys.modules[f'{PKG}.utils']
        top.Graph, top.cache_checkpoint = graph.Graph, None
        backbone = importlib.import_module(f'{PKG}.models.gcns.gcn_module')
        head = importlib.import_module(f'{PKG}.models.heads.base_simple_head')
    return backbone.GCN_Module, head.SimpleHead


class ReferenceRecognizer(nn.Module):
    """The reference recognizer's tensors: ``backbone`` and ``cls_head``.

    Its ``RecognizerGCN`` holds nothing else; mmcv-1.x saves
    ``state_dict()`` of exactly these two children.
    """

    def __init__(self, backbone: nn.Module, cls_head: nn.Module) -> None:
        super().__init__()
        self.backbone = backbone
        self.cls_head = cls_head


def build_reference(classes, ref_dir: str, ref_config: str,
                    seed: int) -> ReferenceRecognizer:
    """The reference's model of ``ref_config``, with random weights.

    Convolution and linear weights keep PyTorch's initialisation (seeded);
    the graphs, the dynamic-topology coefficients ``alpha``/``beta`` (zero
    at initialisation), ``add_coeff`` and every BatchNorm's affine
    parameters and running statistics are randomised, so every tensor
    shapes the outputs. ``add_coeff`` entries past ``V`` are set to 1e3:
    they would dominate the outputs if anything read them.
    """
    gcn_module, simple_head = classes
    model_cfg = runpy.run_path(osp.join(ref_dir, ref_config))['model']
    backbone_cfg, head_cfg = dict(model_cfg['backbone']), dict(
        model_cfg['cls_head'])
    assert backbone_cfg.pop('type') == 'GCN_Module', ref_config
    assert head_cfg.pop('type') == 'SimpleHead', ref_config
    np_state = np.random.get_state()
    np.random.seed(seed)  # the reference's random graph uses numpy's RNG
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            model = ReferenceRecognizer(
                gcn_module(**backbone_cfg), simple_head(**head_cfg))
    finally:
        np.random.set_state(np_state)
    gen = torch.Generator().manual_seed(seed + 1)

    def rand(t, low, high):
        return torch.rand(t.shape, generator=gen) * (high - low) + low

    with torch.no_grad():
        for name, p in model.named_parameters():
            leaf = name.rsplit('.', 1)[-1]
            if leaf in ('alpha', 'beta'):
                p.copy_(rand(p, 0.2, 1.0))
            elif leaf == 'A':
                p.add_(0.1 * torch.randn(p.shape, generator=gen))
            elif leaf == 'add_coeff':
                p.copy_(rand(p, -1., 1.))
        V = model.backbone.graph.num_node
        for block in model.backbone.gcn:
            block.tcn.add_coeff[V:] = 1e3
        for m in model.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.weight.copy_(rand(m.weight, 0.5, 1.5))
                m.bias.copy_(rand(m.bias, -0.2, 0.2))
                m.running_mean.copy_(rand(m.running_mean, -0.3, 0.3))
                m.running_var.copy_(rand(m.running_var, 0.5, 2.0))
                m.num_batches_tracked.fill_(
                    int(torch.randint(1, 10**5, (1, ), generator=gen)))
        model.cls_head.fc_cls.weight.normal_(0., 0.05, generator=gen)
    return model.eval()


def save_like_reference(model: nn.Module, path: str, name: str) -> None:
    """Save as the reference's mmcv-1.x runner does (CPU or not)."""
    optimizer = torch.optim.SGD(
        model.parameters(),
        lr=0.025,
        momentum=0.9,
        nesterov=True,
        weight_decay=5e-4)
    for p in model.parameters():
        optimizer.state[p]['momentum_buffer'] = torch.zeros_like(p)
    meta = dict(
        env_info='sys.platform: linux\nPyTorch: 1.9.1',
        seed=1234567,
        config_name='j.py',
        work_dir=name,
        aclnet_version='0.1.0+0fab868',
        config="model = dict(type='RecognizerGCN')",
        epoch=148,
        iter=148 * 2505,
        mmcv_version='1.5.0',
        time=time.asctime(),
        hook_msgs=dict(
            last_ckpt=f'./work_dirs/{name}/epoch_148.pth',
            best_score=np.float64(0.9144),
            best_ckpt=f'./work_dirs/{name}/best_top1_acc_epoch_148.pth'))
    torch.save(
        dict(
            meta=meta,
            state_dict=model.state_dict(),
            optimizer=optimizer.state_dict()), path)


def manifest(state: Dict[str, torch.Tensor], case: str, ref_config: str,
             config: str) -> Dict:
    """Names, shapes and dtypes of a reference state dict (facts only)."""
    return dict(
        description=(f'Key names, shapes and dtypes of the state_dict the '
                     f'reference implementation (firework8/ACLNet) saves '
                     f'for {case} ({ref_config}), written by '
                     'tools/analysis/check_reference_conversion.py '
                     '--write-manifest.'),
        config=config,
        state_dict={
            k: dict(shape=list(v.shape), dtype=str(v.dtype).split('.')[-1])
            for k, v in state.items()
        })


def write_manifest(data: Dict, path: str) -> None:
    """JSON with one line per tensor (reviewable diffs)."""
    lines = ['{']
    for key in ('description', 'config'):
        lines.append(f' {json.dumps(key)}: {json.dumps(data[key])},')
    lines.append(' "state_dict": {')
    entries = [
        f'  {json.dumps(k)}: {json.dumps(v)}'
        for k, v in data['state_dict'].items()
    ]
    lines += [',\n'.join(entries), ' }', '}']
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')


def max_abs(a: torch.Tensor, b: torch.Tensor) -> Tuple[float, float]:
    """``max |a - b|`` and ``max |a|`` (the scale of the figure)."""
    if a.shape != b.shape:
        raise SystemExit(f'shapes differ: {tuple(a.shape)} vs '
                         f'{tuple(b.shape)}')
    return float((a - b).abs().max()), float(a.abs().max())


def compare(ref: ReferenceRecognizer, ours: nn.Module, num_frames: int,
            device: torch.device,
            seed: int) -> List[Tuple[str, Tuple[float, float]]]:
    """Max abs differences of both models in float64 on random clips."""
    from mmaction.structures import ActionDataSample
    V = ref.backbone.graph.num_node
    gen = torch.Generator().manual_seed(seed + 2)
    N, clips = 2, 2
    x = torch.randn(
        N, clips, 2, num_frames, V, 3, generator=gen,
        dtype=torch.float64).to(device)
    ref = ref.to(device).double().eval()
    ours = ours.to(device).double().eval()
    flat = x.reshape((N * clips, ) + x.shape[2:])
    with torch.no_grad():
        ref_feat, ref_graph = ref.backbone(flat)
        ref_logits = ref.cls_head(ref_feat)
        ref_prob = ref_logits.softmax(-1).view(N, clips, -1).mean(1)
        feat, graph = ours.backbone(flat)
        logits = ours.cls_head(feat)
        samples = ours.predict(x, [ActionDataSample() for _ in range(N)])
        prob = torch.stack([s.pred_score for s in samples])
    return [('backbone features', max_abs(ref_feat, feat)),
            ('affinity graph', max_abs(ref_graph, graph)),
            ('class scores', max_abs(ref_logits, logits)),
            ('test scores (clip-averaged softmax)', max_abs(ref_prob, prob))]


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('\n\n', 1)[1])
    parser.add_argument(
        '--ref-dir',
        required=True,
        help='root of a checkout of firework8/ACLNet')
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--frames',
        type=int,
        default=50,
        help='frames per clip of the random inputs')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--tolerance', type=float, default=1e-9)
    parser.add_argument(
        '--write-manifest',
        metavar='DIR',
        default=None,
        help='also write the two key/shape manifests here')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    device = torch.device(args.device)
    classes = load_reference(args.ref_dir)
    worst = 0.
    print(f'device {device}, float64, eval mode, 2 samples x 2 clips x '
          f'{args.frames} frames, tolerance {args.tolerance:g}')
    with tempfile.TemporaryDirectory() as tmp:
        for case, ref_config, config, manifest_name in CASES:
            ref = build_reference(classes, args.ref_dir, ref_config,
                                  args.seed).to(device)
            stem = case.replace(' ', '_')
            src = osp.join(tmp, f'{stem}.reference.pth')
            dst = osp.join(tmp, f'{stem}.converted.pth')
            save_like_reference(ref, src, case)
            if args.write_manifest:
                os.makedirs(args.write_manifest, exist_ok=True)
                out = osp.join(args.write_manifest, manifest_name)
                write_manifest(
                    manifest(ref.state_dict(), case, ref_config, config), out)
                print(f'wrote {out}')
            conversion = convert_checkpoint(src, dst, osp.join(REPO, config))
            from mmengine.runner import load_checkpoint
            ours = build_model(osp.join(REPO, config))
            load_checkpoint(ours, dst, map_location='cpu', strict=True)
            diffs = compare(ref, ours, args.frames, device, args.seed)
            print(f'{case}: {len(conversion.mapped)} tensors mapped, '
                  f'{len(conversion.not_in_source)} loss buffers not in '
                  f'the source, {len(conversion.dropped)} dropped')
            for what, (diff, scale) in diffs:
                print(f'  {what:36s} max |ref - ours| = {diff:.3e}  '
                      f'(max |ref| = {scale:.3g})')
                worst = max(worst, diff)
    ok = worst <= args.tolerance
    print(f'largest difference {worst:.3e}: '
          f'{"OK" if ok else "FAIL"} (tolerance {args.tolerance:g})')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
