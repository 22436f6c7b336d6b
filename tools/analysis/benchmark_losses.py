"""Benchmark the ACL losses and the superclass rebuild against the backbone.

What it measures, for (K=60, B=16, V=25, 'nturgb+d', memory 512) and
(K=400, B=64, V=20, 'coco_new', memory 2048), with M=2 persons, C=3 and the
paper-size :class:`ACLGCN` (its defaults: base 96, 10 stages), on the CPU:

1. ``backbone``: one training step of the backbone, forward + backward of a
   linear classifier's cross-entropy plus the mean of the affinity graph
   (the reference step);
2. ``losses``: forward + backward of :class:`InterAffinityContrastiveLoss`
   plus :class:`IntraMarginContrastiveLoss`, both active (random confusion
   counts, superclasses rebuilt, memory full), in training mode with
   confusion counting on, so it includes the counting, the prototype EMA and
   the memory enqueue; on the backbone's graph ``(B, V * V)``, detached and
   requiring grad;
3. ``rebuild``: one ``rebuild_superclasses()`` call.

How it is timed: the machine may be shared and its speed may drift several
times over within one run, so no single absolute time means much. The
measurements are interleaved: every repetition runs one backbone step and,
right next to it (alternately before and after), ``--inner`` loss steps and
``--inner`` rebuilds. A repetition's ratio is the median of its loss (or
rebuild) times over its backbone time; the table reports the median of
these paired ratios, together with the medians of the times. Without
``--repeats``, repetitions go on while the backbone time spent so far
leaves room for one more within ``--budget`` seconds per setting (at least
3, at most 15).

How to read it: ``loss/bb`` and ``reb/bb`` are the paired ratios in
percent. The targets are losses <= 5 % of the backbone step in both
settings, and a rebuild at K=400 under 20 ms (a median time, so it is
affected by the machine's load; compare it with the load average printed
above the table). The loss and rebuild costs do not depend on the number of
frames ``T``, while the backbone's grows with ``T``: with ``--frames`` below
the paper's 100 (the default 16 keeps a run at a few minutes on a 2-core
CPU) the ratios are upper bounds of those at ``T = 100``. ``--quick`` swaps
in a tiny backbone and a few repetitions: a smoke test of the script whose
ratios mean nothing.

Other busy processes: when another process keeps a core busy, torch's
worker threads wait on descheduled peers and every op slows down, small
ops (the losses, the rebuild) far more than the backbone's large
convolutions. The load average is printed before and after; on a busy
machine compare with ``--threads 1``.

Example::

    PYTHONPATH=. python tools/analysis/benchmark_losses.py
    PYTHONPATH=. python tools/analysis/benchmark_losses.py --frames 100 \\
        --repeats 3
"""
import argparse
import math
import platform
import statistics
import sys
import time
from typing import Dict, List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

import aclnet_mm  # noqa: F401  (shims and registration come first)
from aclnet_mm.models.backbones.acl_gcn import ACLGCN
from aclnet_mm.models.losses.inter_affinity_loss import \
    InterAffinityContrastiveLoss
from aclnet_mm.models.losses.intra_margin_loss import \
    IntraMarginContrastiveLoss

# beside this script (on sys.path when it runs as a script)
from bench_env import (available_cores, cpu_model,  # noqa: E402 isort: skip
                       load_average)

#: (name, K, B, layout, V, memory_size)
SETTINGS = (
    ('K=60 B=16 V=25', 60, 16, 'nturgb+d', 25, 512),
    ('K=400 B=64 V=20', 400, 64, 'coco_new', 20, 2048),
)
NUM_PERSONS = 2
IN_CHANNELS = 3
LOSS_TARGET = 5.0  # percent of the backbone step, both settings
REBUILD_TARGET_MS = 20.0  # at K=400
REBUILD_TARGET_K = 400
#: repetitions per setting when --repeats is not given
MIN_REPEATS, MAX_REPEATS = 3, 15
#: the tiny backbone of --quick
QUICK_BACKBONE = dict(
    base_channels=16, num_stages=2, inflate_stages=(), down_stages=())


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Time the ACL losses and the superclass rebuild as '
        'ratios to the backbone step, on the CPU.')
    parser.add_argument(
        '--frames',
        type=int,
        default=None,
        help='frames T of the backbone input (default 16, 8 with --quick; '
        'the paper uses 100)')
    parser.add_argument(
        '--repeats',
        type=int,
        default=None,
        help='backbone repetitions per setting (default: fit --budget, '
        '3 to 15)')
    parser.add_argument(
        '--budget',
        type=float,
        default=45.,
        help='seconds of backbone steps per setting when --repeats is not '
        'given (default 45)')
    parser.add_argument(
        '--inner',
        type=int,
        default=None,
        help='loss steps and rebuilds per repetition (default 10, 3 with '
        '--quick)')
    parser.add_argument(
        '--threads',
        type=int,
        default=None,
        help='torch threads (default: all available cores)')
    parser.add_argument(
        '--quick',
        action='store_true',
        help='smoke run: tiny backbone, few repetitions; ratios meaningless')
    parser.add_argument(
        '--strict',
        action='store_true',
        help='exit with status 1 when a target fails')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    args = parser.parse_args(argv)
    if args.frames is None:
        args.frames = 8 if args.quick else 16
    if args.inner is None:
        args.inner = 3 if args.quick else 10
    if args.repeats is None and args.quick:
        args.repeats = 2
    for name in ('frames', 'repeats', 'inner', 'threads'):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f'--{name} must be >= 1, got {value}')
    return args


class Bench:
    """The modules and inputs of one setting, with one timed call each."""

    def __init__(self, num_classes: int, batch: int, layout: str,
                 num_nodes: int, memory_size: int, frames: int,
                 quick: bool) -> None:
        K, B, V = num_classes, batch, num_nodes
        self.K, self.B = K, B
        backbone_cfg = QUICK_BACKBONE if quick else {}
        self.backbone = ACLGCN(
            graph_cfg=dict(layout=layout), num_person=NUM_PERSONS,
            **backbone_cfg).train()
        self.fc = nn.Linear(self.backbone.out_channels, K)
        self.x = torch.randn(B, NUM_PERSONS, frames, V, IN_CHANNELS)
        self.labels = torch.randint(0, K, (B, ))
        # scores: about half the batch classified correctly, so both the
        # confusion counting and the prototype EMA have work to do
        scores = torch.randn(B, K)
        hit = torch.rand(B) < 0.5
        scores[hit, self.labels[hit]] += 10.
        self.scores = scores
        self.inter = InterAffinityContrastiveLoss(
            in_channels=V * V, num_classes=K).train()
        self.intra = IntraMarginContrastiveLoss(
            in_channels=V * V, memory_size=memory_size).train()
        self.graph = None

    def activate_losses(self) -> None:
        """Counting on, random counts, superclasses built, memory full."""
        K = self.K
        counts = torch.randint(0, 50, (K, K)).to(torch.float64)
        counts.fill_diagonal_(0)
        self.inter.confusion.copy_(counts)
        self.inter.counting.fill_(True)
        self.inter.rebuild_superclasses()
        graph = self.graph.detach()
        with torch.no_grad():
            for _ in range(self.intra.memory_size // self.B + 1):
                labels = torch.randint(0, K, (self.B, ))
                self.intra(graph + 0.01 * torch.randn_like(graph), labels)
        if not bool(self.inter.active):
            raise RuntimeError('the inter loss did not become active')
        filled = int(self.intra.filled)
        if filled + self.B < self.intra.memory_size:
            raise RuntimeError('the intra memory is not full')
        self.graph = graph.clone().requires_grad_()

    def backbone_step(self) -> float:
        for module in (self.backbone, self.fc):
            module.zero_grad(set_to_none=True)
        start = time.perf_counter()
        feat, graph = self.backbone(self.x)
        logits = self.fc(feat.mean(dim=(3, 4)).mean(dim=1))
        loss = F.cross_entropy(logits, self.labels) + graph.mean()
        loss.backward()
        elapsed = time.perf_counter() - start
        if self.graph is None:
            self.graph = graph.detach()
        return elapsed

    def loss_step(self) -> float:
        for module in (self.inter, self.intra):
            module.zero_grad(set_to_none=True)
        self.graph.grad = None
        start = time.perf_counter()
        loss = (
            self.inter(self.graph, self.labels, self.scores) +
            self.intra(self.graph, self.labels))
        loss.backward()
        elapsed = time.perf_counter() - start
        value = loss.detach().item()
        if not math.isfinite(value) or value == 0.:
            raise RuntimeError(f'unexpected loss value {value}: are both '
                               'losses active?')
        return elapsed

    def rebuild_step(self) -> float:
        start = time.perf_counter()
        self.inter.rebuild_superclasses()
        return time.perf_counter() - start


def _more(done: int, spent: float, args: argparse.Namespace) -> bool:
    """Whether to run another repetition."""
    if args.repeats is not None:
        return done < args.repeats
    if done < MIN_REPEATS:
        return True
    # stop before the budget would be exceeded by one more (mean) step
    return done < MAX_REPEATS and spent * (done + 1) / done <= args.budget


def run_setting(name: str, num_classes: int, batch: int, layout: str,
                num_nodes: int, memory_size: int,
                args: argparse.Namespace) -> Dict:
    bench = Bench(num_classes, batch, layout, num_nodes, memory_size,
                  args.frames, args.quick)
    warm = bench.backbone_step()  # also provides the graph
    bench.activate_losses()
    for _ in range(2):
        bench.loss_step()
        bench.rebuild_step()
    if args.repeats is not None:
        plan = f'{args.repeats} repetitions'
    else:
        plan = (f'{MIN_REPEATS} to {MAX_REPEATS} repetitions within '
                f'{args.budget:g} s of backbone steps')
    print(f'  {name}: warm-up step {warm * 1e3:.0f} ms; {plan} x (1 '
          f'backbone + {args.inner} losses + {args.inner} rebuilds)',
          flush=True)
    backbone, losses, rebuilds = [], [], []
    loss_ratios, rebuild_ratios = [], []
    r = 0
    while _more(r, sum(backbone), args):
        rep_losses, rep_rebuilds = [], []
        if r % 2:
            step = bench.backbone_step()
        for _ in range(args.inner):
            rep_losses.append(bench.loss_step())
            rep_rebuilds.append(bench.rebuild_step())
        if not r % 2:
            step = bench.backbone_step()
        backbone.append(step)
        losses.extend(rep_losses)
        rebuilds.extend(rep_rebuilds)
        loss_ratios.append(statistics.median(rep_losses) / step)
        rebuild_ratios.append(statistics.median(rep_rebuilds) / step)
        r += 1
    return dict(
        name=name,
        K=num_classes,
        repeats=r,
        backbone_ms=statistics.median(backbone) * 1e3,
        losses_ms=statistics.median(losses) * 1e3,
        loss_pct=statistics.median(loss_ratios) * 100,
        rebuild_ms=statistics.median(rebuilds) * 1e3,
        rebuild_pct=statistics.median(rebuild_ratios) * 100)


#: the result table: a header of two lines, then one row per setting
HEADER = ('{:<16}{:>4}{:>5}{:>10}{:>9}{:>9}{:>9}{:>9}'.format(
    'setting', 'T', 'reps', 'backbone', 'losses', 'loss/bb', 'rebuild',
    'reb/bb') + '\n' + '{:<25}{:>10}{:>9}{:>9}{:>9}{:>9}'.format(
        '', 'med ms', 'med ms', '%', 'med ms', '%'))
ROW = ('{name:<16}{frames:>4}{repeats:>5}{backbone_ms:>10.1f}'
       '{losses_ms:>9.3f}{loss_pct:>9.4f}{rebuild_ms:>9.3f}'
       '{rebuild_pct:>9.4f}')
TARGET = '{label:<42}{value:>{width}.{digits}f} {unit}{result:>8}'


def print_report(results: List[Dict], args: argparse.Namespace) -> bool:
    """Print the tables; return whether every target passed."""
    print()
    print(HEADER)
    for res in results:
        print(ROW.format(frames=args.frames, **res))
    print()
    print('{:<42}{:>12}{:>8}'.format('target', 'measured', 'result'))
    all_pass = True
    for res in results:
        ok = res['loss_pct'] <= LOSS_TARGET
        all_pass &= ok
        name = res['name']
        print(
            TARGET.format(
                label=f'{name}: losses <= {LOSS_TARGET:g} % of backbone',
                value=res['loss_pct'],
                width=10,
                digits=4,
                unit='%',
                result='PASS' if ok else 'FAIL'))
    for res in results:
        if res['K'] != REBUILD_TARGET_K:
            continue
        ok = res['rebuild_ms'] < REBUILD_TARGET_MS
        all_pass &= ok
        name = res['name']
        print(
            TARGET.format(
                label=f'{name}: rebuild < {REBUILD_TARGET_MS:g} ms',
                value=res['rebuild_ms'],
                width=9,
                digits=3,
                unit='ms',
                result='PASS' if ok else 'FAIL'))
    if args.quick:
        print('(--quick: tiny backbone, the ratios are not meaningful)')
    elif args.frames < 100:
        print(f'(T={args.frames} < 100: the loss and rebuild costs do not '
              'depend on T, so these\n ratios are upper bounds of those at '
              'T=100)')
    return all_pass


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    threads = args.threads or available_cores()
    old_threads = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        torch.manual_seed(args.seed)
        print(f'torch {torch.__version__}, python '
              f'{platform.python_version()}, threads {threads} '
              f'(cores {available_cores()})')
        print(f'CPU: {cpu_model()}')
        print(f'load average before: {load_average()}')
        size = 'tiny (--quick)' if args.quick else 'paper size (defaults)'
        print(f'backbone: ACLGCN {size}, input (B, M={NUM_PERSONS}, '
              f'T={args.frames}, V, C={IN_CHANNELS})')
        start = time.perf_counter()
        results = [run_setting(*setting, args) for setting in SETTINGS]
        all_pass = print_report(results, args)
        print(f'load average after: {load_average()}; benchmark took '
              f'{time.perf_counter() - start:.0f} s')
    finally:
        torch.set_num_threads(old_threads)
    return 1 if args.strict and not all_pass else 0


if __name__ == '__main__':
    sys.exit(main())
