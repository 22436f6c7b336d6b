"""Time the reference implementation's two ACL losses against ours.

The reference (firework8/ACLNet) computes its losses with Python loops
over the batch and the classes and a host sync per sample; ours are
vectorised. This script times, in one run and interleaved, forward +
backward of both loss pairs in steady state (counting on, superclasses
built, memory full) and one superclass rebuild each, at K=60/B=16 (V=25,
memory 512) and K=400/B=64 (V=20, memory 2048).

The reference code is read from a checkout you provide (``--ref-dir``,
the repository root); nothing of it is part of this project. Without
``--ref-dir`` only our losses are timed.

    python tools/analysis/benchmark_reference_losses.py --device cuda \\
        --ref-dir /path/to/ACLNet
"""
import argparse
import importlib.util
import os
import statistics
import sys
import time
from typing import Callable, List, Optional

import torch

import aclnet_mm  # noqa: F401  (shims and registration come first)
from aclnet_mm.models.losses import (InterAffinityContrastiveLoss,
                                     IntraMarginContrastiveLoss)

# beside this script (on sys.path when it runs as a script)
from benchmark_train import steady_losses  # noqa: E402 isort: skip

#: (name, K, B, V, memory)
SETTINGS = (('K=60 B=16', 60, 16, 25, 512),
            ('K=400 B=64', 400, 64, 20, 2048))
REF_FILES = dict(
    inter='aclnet/models/losses/Inter_Affinitive_Contrastive_Loss.py',
    intra='aclnet/models/losses/Intra_Affinitive_Contrastive_Loss.py')


def load_reference(ref_dir: str):
    """The reference's two loss classes, loaded from their files."""
    classes = []
    for key, rel in REF_FILES.items():
        path = os.path.join(ref_dir, rel)
        if not os.path.isfile(path):
            raise SystemExit(f'--ref-dir {ref_dir}: {rel} not found (give '
                             'the root of a checkout of firework8/ACLNet)')
        spec = importlib.util.spec_from_file_location(f'ref_{key}', path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        name = os.path.splitext(os.path.basename(rel))[0]
        classes.append(getattr(module, name))
    return classes


def _sync(device: torch.device) -> None:
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def timed(fn: Callable, device: torch.device) -> float:
    _sync(device)
    start = time.perf_counter()
    fn()
    _sync(device)
    return time.perf_counter() - start


class Pair:
    """One implementation's inter + intra loss, a step and a rebuild."""

    def __init__(self, name, inter, intra, rebuild, K, B, V, device):
        self.name, self.inter, self.intra = name, inter, intra
        self.rebuild_fn = rebuild
        self.K, self.B, self.V, self.device = K, B, V, device
        gen = torch.Generator().manual_seed(0)
        self.feats = torch.randn(B, V * V, generator=gen).to(device)
        self.labels = torch.randint(0, K, (B, ), generator=gen).to(device)
        self.logits = torch.randn(B, K, generator=gen).to(device)
        self.step_times: List[float] = []
        self.rebuild_times: List[float] = []

    def step(self) -> None:
        feats = self.feats.clone().requires_grad_()
        loss = 0.1 * self.inter(feats, self.labels, self.logits).sum() + \
            0.1 * self.intra(feats, self.labels).sum()
        loss.backward()

    def time_step(self) -> None:
        self.step_times.append(timed(self.step, self.device))

    def time_rebuild(self) -> None:
        self.rebuild_times.append(timed(self.rebuild_fn, self.device))


def ours(K, B, V, mem, device) -> Pair:
    inter = InterAffinityContrastiveLoss(V * V, K).to(device).train()
    intra = IntraMarginContrastiveLoss(V * V, memory_size=mem).to(
        device).train()
    steady_losses(inter, intra, K)
    return Pair('ours', inter, intra, inter.rebuild_superclasses, K, B, V,
                device)


def reference(classes, K, B, V, mem, device) -> Pair:
    Inter, Intra = classes
    inter = Inter(K, n_channel=V * V).to(device).train()
    intra = Intra(K, mem, n_channel=V * V).to(device).train()
    gen = torch.Generator().manual_seed(1)
    counts = torch.randint(0, 5, (K, K), generator=gen)
    for k in range(K):
        for j in range(K):
            inter.Neighborhood_Bank[k][j] = 0 if j == k else int(counts[k, j])
    inter.current_epoch = inter.start_epoch + 1  # counting on
    inter.state = 'Affinitive'

    def rebuild():
        inter.class_mask_list.clear()
        inter.affinitive_list.clear()
        inter.epoch_state = True
        inter.get_neighborhood(torch.zeros(1, dtype=torch.long,
                                           device=device))

    rebuild()
    pair = Pair('reference', inter, intra, rebuild, K, B, V, device)
    with torch.no_grad():  # fill the reference's list memory
        while len(intra.Feature_Bank) < mem:
            intra(pair.feats, pair.labels)
    return pair


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--ref-dir', default=None,
                        help='root of a checkout of firework8/ACLNet')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--repeats', type=int, default=10)
    parser.add_argument('--rebuild-repeats', type=int, default=2)
    parser.add_argument('--quick', action='store_true',
                        help='small K and B only: a smoke test')
    args = parser.parse_args(argv)
    if args.device.startswith('cuda') and not torch.cuda.is_available():
        parser.error('--device cuda, but torch sees no CUDA device')
    return args


def _ms(values: List[float]) -> str:
    return f'{1e3 * statistics.median(values):.2f}' if values else 'n/a'


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    device = torch.device(args.device)
    classes = load_reference(args.ref_dir) if args.ref_dir else None
    settings = ((('K=8 B=4', 8, 4, 5, 16), ) if args.quick else SETTINGS)
    where = (torch.cuda.get_device_name(device)
             if device.type == 'cuda' else 'CPU')
    print(f'{where}; torch {torch.__version__}; reference: '
          f'{args.ref_dir or "not given (ours only)"}')
    print(f'{"setting":<11} {"impl":<10} {"step ms":>9} {"rebuild ms":>11} '
          f'{"ref/ours step":>14} {"ref/ours rebuild":>17}')
    for name, K, B, V, mem in settings:
        pairs = [ours(K, B, V, mem, device)]
        if classes is not None:
            pairs.append(reference(classes, K, B, V, mem, device))
        for p in pairs:
            p.step()  # warm-up
        for r in range(args.repeats):
            for p in (pairs if r % 2 == 0 else pairs[::-1]):
                p.time_step()
        for r in range(args.rebuild_repeats):
            for p in pairs:
                p.time_rebuild()
        mine = pairs[0]
        for p in pairs:
            step_ratio = rebuild_ratio = ''
            if p is not mine:
                step_ratio = statistics.median(
                    a / b for a, b in zip(p.step_times, mine.step_times))
                rebuild_ratio = statistics.median(
                    a / b
                    for a, b in zip(p.rebuild_times, mine.rebuild_times))
                step_ratio = f'{step_ratio:.1f}x'
                rebuild_ratio = f'{rebuild_ratio:.0f}x'
            print(f'{name:<11} {p.name:<10} {_ms(p.step_times):>9} '
                  f'{_ms(p.rebuild_times):>11} {step_ratio:>14} '
                  f'{rebuild_ratio:>17}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
