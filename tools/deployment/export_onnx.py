"""Export a trained recognizer to ONNX and check it with onnxruntime.

    python tools/deployment/export_onnx.py CONFIG CHECKPOINT OUT.onnx
        [--clips 1] [--frames T] [--persons 2] [--real 8] [--repeats 20]

The exported graph is the test-time recognizer, backbone + classifier
(no losses): ``clips (N, clips, M, T, V, C) -> scores (N, K)``, the clip
average of ``mim test``; batch, clips and frames are dynamic. After the
export it prints the largest absolute difference between onnxruntime and
PyTorch on random inputs at two batch sizes and two frame counts and, with
``--real N``, on the first N clips of the config's test split, then the
CPU latency per clip of both, measured interleaved in this run. Exit code 1
when a difference exceeds ``--tolerance`` (1e-4). Needs the ``[deploy]`` extra.
"""
import argparse
import statistics
import sys
import time

import torch

import aclnet_mm  # noqa: F401  (shims + registration, before mmaction)
from aclnet_mm.deployment import ScoringModule, export_onnx, \
    onnx_max_abs_diff
from aclnet_mm.engine import CheckpointError, load_weights_strict


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('out', help='the .onnx file to write')
    parser.add_argument('--clips', type=int, default=None,
                        help="default: the test pipeline's num_clips")
    parser.add_argument('--frames', type=int, default=None,
                        help="default: the test pipeline's clip_len")
    parser.add_argument('--persons', type=int, default=2)
    parser.add_argument('--channels', type=int, default=None,
                        help="default: the backbone's in_channels")
    parser.add_argument('--opset', type=int, default=17)
    parser.add_argument('--real', type=int, default=0,
                        help='also compare on the first N test clips')
    parser.add_argument('--repeats', type=int, default=20,
                        help='timed runs of each engine')
    parser.add_argument('--tolerance', type=float, default=1e-4)
    return parser.parse_args(argv)


def _sampling(cfg):
    """``(clip_len, num_clips)`` of the test pipeline."""
    for step in cfg.test_dataloader.dataset.get('pipeline', []):
        if step.get('type') == 'UniformSampleFrames':
            return int(step['clip_len']), int(step.get('num_clips', 1))
    return 100, 1


def _real_clips(cfg, count: int) -> torch.Tensor:
    from mmaction.registry import DATASETS
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    clips = [dataset[i]['inputs'] for i in range(min(count, len(dataset)))]
    return torch.stack(clips).float()


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        import onnxruntime as ort
    except ImportError:
        raise SystemExit('export_onnx.py needs onnx and onnxruntime: '
                         'pip install -e ".[deploy]"')
    from mmaction.registry import MODELS
    from mmaction.utils import register_all_modules
    from mmengine.config import Config

    from aclnet_mm.layouts import get_layout
    register_all_modules(init_default_scope=True)
    cfg = Config.fromfile(args.config)
    model = MODELS.build(cfg.model)
    try:
        load_weights_strict(model, args.checkpoint,
                            target=f'the model of {args.config}')
    except (FileNotFoundError, CheckpointError) as err:
        raise SystemExit(f'export_onnx.py: {err}')
    model.eval()
    V = get_layout(cfg.model.backbone.graph_cfg.layout).num_node
    clip_len, num_clips = _sampling(cfg)
    T = args.frames or clip_len
    args.clips = args.clips or num_clips
    args.channels = args.channels or int(
        cfg.model.backbone.get('in_channels', 3))
    shape = (2, args.clips, args.persons, T, V, args.channels)
    export_onnx(model, args.out, shape, opset=args.opset)
    print(f'wrote {args.out}: clips (batch, clips, {args.persons}, '
          f'frames, {V}, {args.channels}) -> scores (batch, '
          f'{cfg.model.cls_head.num_classes}), opset {args.opset}')

    worst = 0.
    gen = torch.Generator().manual_seed(0)
    for batch in (1, 4):
        for frames in (T, max(8, T // 2)):
            clips = torch.randn(batch, args.clips, args.persons, frames, V,
                                args.channels, generator=gen)
            diff = onnx_max_abs_diff(args.out, model, clips)
            worst = max(worst, diff)
            print(f'random batch {batch}, frames {frames}: max |onnx - '
                  f'torch| = {diff:.2e}')
    if args.real:
        clips = _real_clips(cfg, args.real)
        diff = onnx_max_abs_diff(args.out, model, clips)
        worst = max(worst, diff)
        print(f'{len(clips)} real test clips {tuple(clips.shape[1:])}: max '
              f'|onnx - torch| = {diff:.2e}')

    one = torch.randn(1, args.clips, args.persons, T, V, args.channels,
                      generator=gen)
    session = ort.InferenceSession(args.out,
                                   providers=['CPUExecutionProvider'])
    module = ScoringModule(model).eval()
    times = dict(torch=[], onnxruntime=[])
    with torch.no_grad():
        for i in range(args.repeats + 2):
            for name in (('torch', 'onnxruntime') if i % 2 else
                         ('onnxruntime', 'torch')):
                start = time.perf_counter()
                if name == 'torch':
                    module(one)
                else:
                    session.run(None, {'clips': one.numpy()})
                if i >= 2:  # two warm-up rounds
                    times[name].append(time.perf_counter() - start)
    per_clip = {k: 1e3 * statistics.median(v) / args.clips
                for k, v in times.items()}
    print(f'CPU latency per clip (batch 1, {T} frames, median of '
          f'{args.repeats}, {torch.get_num_threads()} torch threads): '
          f'torch {per_clip["torch"]:.2f} ms, onnxruntime '
          f'{per_clip["onnxruntime"]:.2f} ms')
    if worst > args.tolerance:
        print(f'max difference {worst:.2e} exceeds the tolerance '
              f'{args.tolerance:g}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
