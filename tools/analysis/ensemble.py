"""Fuse the test dumps of several streams and print their accuracy.

    python tools/analysis/ensemble.py DUMP [DUMP ...] \\
        [--streams j b k jm bm km] [--weights W ...]

Each DUMP is the pickle written by
``mim test mmaction2 CONFIG --checkpoint CKPT --dump DUMP``. The fused score
of a sample is the weighted sum of the streams' ``pred_score`` vectors
(probabilities with ``average_clips='prob'``). ``--streams`` names the dumps
and selects the reference weights j:b:k:jm:bm:km = 2:2:2:1:1:1 (any
subset); ``--weights`` overrides them; with neither, all weights are 1.
Prints top-1, top-5 and mean-class accuracy of every stream and of the
fusion. Exits with status 1 and one line naming the file when a dump
cannot be read (missing, empty, truncated, or a pickle that would run
code: dumps are read with ``aclnet_mm.utils.safe_pickle``) or holds
non-numeric or non-finite scores, and naming the dumps and the first
differing index when they do not cover the same samples in the same order.
"""
import argparse
import sys

from aclnet_mm.evaluation import (check_dumps, evaluate_scores, fuse_scores,
                                  load_dump, resolve_weights)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split('\n\n', 2)[2])
    parser.add_argument(
        'dumps',
        nargs='+',
        metavar='DUMP',
        help='result pickles written by --dump')
    parser.add_argument(
        '--streams',
        nargs='+',
        metavar='NAME',
        help='stream name of each dump, e.g. j b jm bm')
    parser.add_argument(
        '--weights',
        nargs='+',
        type=float,
        metavar='W',
        help='fusion weight of each dump')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    names = args.streams or args.dumps
    try:
        weights = resolve_weights(len(args.dumps), args.weights, args.streams)
        dumps = [load_dump(p, n) for p, n in zip(args.dumps, names)]
        check_dumps(dumps)
    except (OSError, ValueError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1

    labels = dumps[0].labels
    width = max(len('ensemble'), *(len(d.name) for d in dumps))
    print(f'{len(labels)} samples, {dumps[0].scores.shape[1]} classes')
    print(f'{"stream":<{width}}  weight    top1    top5   mean1')
    for dump, weight in zip(dumps, weights):
        m = evaluate_scores(dump.scores, labels)
        print(f'{dump.name:<{width}}  {weight:6g}  {m["top1"]:.4f}  '
              f'{m["top5"]:.4f}  {m["mean1"]:.4f}')
    fused = fuse_scores([d.scores for d in dumps], weights)
    m = evaluate_scores(fused, labels)
    print(f'{"ensemble":<{width}}  {"":6}  {m["top1"]:.4f}  '
          f'{m["top5"]:.4f}  {m["mean1"]:.4f}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
