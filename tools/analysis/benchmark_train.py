"""Time one training step of ACLNet against MMAction2's STGCN++.

One step is what ``mim train`` runs per iteration: the recognizer's
forward in ``loss`` mode, the summed loss's backward and an SGD step
(momentum 0.9, nesterov, weight decay 5e-4), all at the same batch,
frames, persons and layout. The models:

- ``aclnet``: ACLGCN + ACLHead with both ACL losses in steady state
  (counting on, superclasses active, memory full);
- ``aclnet_ce``: the same backbone and head, cross-entropy only;
- ``stgcnpp``: MMAction2's ``STGCN`` with PYSKL's STGCN++ recipe
  (``gcn_adaptive='init'``, ``gcn_with_res=True``, ``tcn_type='mstcn'``)
  and ``GCNHead``;
- ``ctrgcn``: only if the installed MMAction2 registers ``CTRGCN``
  (1.2.0 does not; the table then says so).

Timing: the machine's speed may drift during a run, so the models are
interleaved: every round runs one step of each model, in a rotated order.
``GFLOP`` is torch's count of one step (forward + backward; convolutions,
matmuls). ``ratio`` is the median over rounds of STGCN++'s step time
divided by the model's (its clips/s relative to STGCN++), and
``ACL overhead`` the median
over rounds of ``aclnet / aclnet_ce - 1``: both are paired within a round.
On CUDA every step ends with a synchronize and the peak memory of each
model's steps is reported.

Examples::

    python tools/analysis/benchmark_train.py                # CPU default
    python tools/analysis/benchmark_train.py --device cuda --batch 16 \\
        --frames 100 --precision fp16                       # paper size
    python tools/analysis/benchmark_train.py --device cuda --batch 64 \\
        --frames 100 --layout coco_new --num-classes 400    # K400
"""
import argparse
import copy
import platform
import statistics
import sys
import time
from typing import Dict, List, Optional

import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmaction.utils import register_all_modules

import aclnet_mm  # noqa: F401  (shims and registration come first)

# beside this script (on sys.path when it runs as a script)
from bench_env import (available_cores, cpu_model,  # noqa: E402 isort: skip
                       load_average)

PRECISIONS = {'fp32': None, 'fp16': torch.float16, 'bf16': torch.bfloat16}


#: The layouts MMAction2 1.2.0's ``Graph`` (STGCN, AAGCN) knows.
MMACTION_LAYOUTS = ('openpose', 'nturgb+d', 'coco')


def mmaction_layout(layout: str) -> str:
    """The layout MMAction2's GCNs run on: ``coco`` for ``coco_new``."""
    return layout if layout in MMACTION_LAYOUTS else 'coco'


def model_cfgs(num_classes: int, layout: str, quick: bool) -> Dict:
    """Recognizer configs of the compared models (paper widths)."""
    acl_backbone = dict(type='ACLGCN', graph_cfg=dict(layout=layout))
    stgcnpp_backbone = dict(
        type='STGCN', gcn_adaptive='init', gcn_with_res=True,
        tcn_type='mstcn',
        graph_cfg=dict(layout=mmaction_layout(layout), mode='spatial'))
    acl_width, stgcn_width = 384, 256
    if quick:  # a smoke test: tiny models, the figures mean nothing
        acl_backbone.update(base_channels=8, num_stages=2,
                            inflate_stages=(2, ), down_stages=(2, ))
        stgcnpp_backbone.update(base_channels=8, num_stages=2,
                                inflate_stages=(2, ), down_stages=(2, ))
        acl_width, stgcn_width = 16, 16
    acl_head = dict(type='ACLHead', num_classes=num_classes,
                    in_channels=acl_width, layout=layout)
    cfgs = {
        'aclnet': dict(type='RecognizerGCN', backbone=acl_backbone,
                       cls_head=acl_head),
        'aclnet_ce': dict(type='RecognizerGCN', backbone=acl_backbone,
                          cls_head=dict(acl_head, loss_inter=None,
                                        loss_intra=None)),
        'stgcnpp': dict(type='RecognizerGCN', backbone=stgcnpp_backbone,
                        cls_head=dict(type='GCNHead',
                                      num_classes=num_classes,
                                      in_channels=stgcn_width)),
    }
    if 'CTRGCN' in MODELS.module_dict:
        cfgs['ctrgcn'] = dict(
            type='RecognizerGCN',
            backbone=dict(type='CTRGCN',
                          graph_cfg=dict(layout=mmaction_layout(layout))),
            cls_head=dict(type='GCNHead', num_classes=num_classes,
                          in_channels=256))
    return cfgs


def steady_losses(inter, intra, num_classes: int) -> None:
    """Put the ACL losses where a long run spends its time.

    Counting on, superclasses built from random counts, memory full of
    random unit features; either loss may be None.
    """
    if inter is not None:
        K = num_classes
        confusion = torch.randint(0, 5, (K, K)).double()
        confusion.fill_diagonal_(0)
        inter.confusion.copy_(confusion)
        inter.rebuild_superclasses()
        inter.counting.fill_(True)
    if intra is not None:
        intra.memory.copy_(torch.nn.functional.normalize(
            torch.randn_like(intra.memory), dim=1))
        intra.memory_labels.copy_(
            torch.arange(intra.memory_size) % num_classes)
        intra.filled.fill_(intra.memory_size)


def steady_state(model) -> None:
    """:func:`steady_losses` for a recognizer's head (if it has them)."""
    head = model.cls_head
    steady_losses(getattr(head, 'loss_inter', None),
                  getattr(head, 'loss_intra', None), head.num_classes)


class Step:
    """One model, its optimizer and inputs, and one timed training step."""

    def __init__(self, name: str, cfg: Dict, args: argparse.Namespace,
                 num_nodes: int) -> None:
        self.name = name
        self.device = torch.device(args.device)
        torch.manual_seed(0)
        self.model = MODELS.build(copy.deepcopy(cfg)).to(self.device)
        self.model.train()
        steady_state(self.model)
        self.dtype = PRECISIONS[args.precision]
        if self.dtype is torch.bfloat16 and not hasattr(
                self.model.cls_head, 'check_finite'):
            # MMAction2 1.2.0's BaseHead computes its accuracy through
            # numpy, which has no bfloat16: hand it float32 scores (ACLHead
            # does this itself)
            forward = self.model.cls_head.forward
            self.model.cls_head.forward = (
                lambda *a, **k: forward(*a, **k).float())
        if args.channels_last:
            self.model = self.model.to(memory_format=torch.channels_last)
        self.num_params = sum(p.numel() for p in self.model.parameters())
        self.optimizer = torch.optim.SGD(
            self.model.parameters(), lr=0.01, momentum=0.9, nesterov=True,
            weight_decay=5e-4)
        self.scaler = torch.amp.GradScaler(
            self.device.type, enabled=self.dtype is torch.float16)
        self.forward = self.model.forward
        if args.compile:
            self.forward = torch.compile(self.model.forward)
        B = args.batch
        gen = torch.Generator().manual_seed(1)
        self.inputs = torch.randn(B, 1, args.persons, args.frames,
                                  num_nodes, 3, generator=gen).to(
                                      self.device)
        labels = torch.randint(0, args.num_classes, (B, ), generator=gen)
        self.samples = [
            ActionDataSample().set_gt_label(int(y)) for y in labels
        ]
        for s in self.samples:
            s.gt_label = s.gt_label.to(self.device)
        self.times: List[float] = []
        self.peak_mib: List[float] = []
        self.gflop = float('nan')

    def count_flops(self) -> None:
        """GFLOP of one step (forward + backward), from torch's counter."""
        from torch.utils.flop_counter import FlopCounterMode
        counter = FlopCounterMode(display=False)
        with counter:
            self.run(record=False)
        self.gflop = counter.get_total_flops() / 1e9

    def _sync(self) -> None:
        if self.device.type == 'cuda':
            torch.cuda.synchronize(self.device)

    def run(self, record: bool = True) -> None:
        cuda = self.device.type == 'cuda'
        if cuda:
            torch.cuda.reset_peak_memory_stats(self.device)
        self._sync()
        start = time.perf_counter()
        with torch.autocast(self.device.type, dtype=self.dtype,
                            enabled=self.dtype is not None):
            losses = self.forward(self.inputs, self.samples, mode='loss')
            loss = sum(v for k, v in losses.items() if 'loss' in k)
        self.scaler.scale(loss).backward()
        self.scaler.step(self.optimizer)
        self.scaler.update()
        self.optimizer.zero_grad(set_to_none=True)
        self._sync()
        if record:
            self.times.append(time.perf_counter() - start)
            if cuda:
                self.peak_mib.append(
                    torch.cuda.max_memory_allocated(self.device) / 2**20)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--device', default='cpu', help="'cpu' or 'cuda'")
    parser.add_argument('--precision', choices=sorted(PRECISIONS),
                        default='fp32', help='fp16/bf16: torch.autocast '
                        '(what --amp does), fp16 with a GradScaler')
    parser.add_argument('--batch', type=int, default=8)
    parser.add_argument('--frames', type=int, default=32)
    parser.add_argument('--persons', type=int, default=2)
    parser.add_argument('--layout', default='nturgb+d',
                        help='nturgb+d (V=25), coco_new (V=20), coco, ...')
    parser.add_argument('--num-classes', type=int, default=60)
    parser.add_argument('--repeats', type=int, default=7,
                        help='timed rounds (one step of each model each)')
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--threads', type=int, default=None,
                        help='torch threads (default: all available cores)')
    parser.add_argument('--models', nargs='+', default=None,
                        help='subset of aclnet aclnet_ce stgcnpp ctrgcn')
    parser.add_argument('--channels-last', action='store_true')
    parser.add_argument('--compile', action='store_true',
                        help='torch.compile the recognizer forward')
    parser.add_argument('--quick', action='store_true',
                        help='tiny models, 2 rounds: a smoke test only')
    args = parser.parse_args(argv)
    if args.device.startswith('cuda') and not torch.cuda.is_available():
        parser.error('--device cuda, but torch sees no CUDA device')
    if args.quick:
        args.repeats, args.warmup = 2, 1
        args.batch, args.frames = min(args.batch, 4), min(args.frames, 8)
    return args


def _fmt_ratio(values: List[float]) -> str:
    return f'{statistics.median(values):.2f}x' if values else 'n/a'


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    register_all_modules(init_default_scope=True)
    threads = args.threads or available_cores()
    torch.set_num_threads(threads)
    from aclnet_mm.layouts import get_layout
    num_nodes = get_layout(args.layout).num_node
    other_nodes = get_layout(mmaction_layout(args.layout)).num_node
    cfgs = model_cfgs(args.num_classes, args.layout, args.quick)
    names = args.models or list(cfgs)
    unknown = [n for n in names if n not in cfgs]
    steps = [
        Step(n, cfgs[n], args,
             num_nodes if n.startswith('aclnet') else other_nodes)
        for n in names if n in cfgs
    ]
    device = (torch.cuda.get_device_name(torch.device(args.device))
              if args.device.startswith('cuda') else
              f'CPU: {cpu_model()}')
    print(f'{device}; torch {torch.__version__}, Python '
          f'{platform.python_version()}, threads {threads}, load '
          f'{load_average()}')
    print(f'batch {args.batch}, frames {args.frames}, persons '
          f'{args.persons}, layout {args.layout} (V={num_nodes}), K='
          f'{args.num_classes}, precision {args.precision}, channels_last '
          f'{args.channels_last}, compile {args.compile}, rounds '
          f'{args.repeats} (+{args.warmup} warm-up)')
    if other_nodes != num_nodes:
        print(f'note: MMAction2 has no {args.layout} layout; its models run '
              f'on {mmaction_layout(args.layout)} (V={other_nodes})')
    for step in steps:
        step.count_flops()  # also a warm-up step
    for _ in range(args.warmup):
        for step in steps:
            step.run(record=False)
    for r in range(args.repeats):
        for step in steps[r % len(steps):] + steps[:r % len(steps)]:
            step.run()
    by_name = {s.name: s for s in steps}
    base = by_name.get('stgcnpp')
    print(f'{"model":<10} {"params":>10} {"GFLOP":>7} {"ms/step":>9} '
          f'{"clips/s":>8} {"peak MiB":>9} {"vs STGCN++":>10}')
    for step in steps:
        med = statistics.median(step.times)
        ratios = ([b / t for b, t in zip(base.times, step.times)]
                  if base is not None else [])
        peak = (f'{max(step.peak_mib):.0f}' if step.peak_mib else 'n/a')
        print(f'{step.name:<10} {step.num_params:>10,} {step.gflop:>7.2f} '
              f'{med * 1e3:>9.1f} '
              f'{args.batch / med:>8.1f} {peak:>9} {_fmt_ratio(ratios):>10}')
    if 'aclnet' in by_name and 'aclnet_ce' in by_name:
        pairs = zip(by_name['aclnet'].times, by_name['aclnet_ce'].times)
        over = [100 * (a / c - 1) for a, c in pairs]
        print(f'ACL overhead (aclnet vs aclnet_ce, paired): '
              f'{statistics.median(over):+.1f} %')
    if 'ctrgcn' not in cfgs:
        print('ctrgcn: not registered by this MMAction2 (1.2.0 has no '
              'CTRGCN), skipped')
    for name in unknown:
        print(f'{name}: unknown model, skipped', file=sys.stderr)
    print(f'load after: {load_average()}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
