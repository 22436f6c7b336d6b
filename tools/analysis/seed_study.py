"""Backbone + CE against backbone + ACL losses, several seeds, one table.

    python tools/analysis/seed_study.py OUT_DIR [--seeds 0 1 2] [--jobs 2]
        [--configs C ...] [--metric acc/top1 --scale 100]

Trains every (config, variant, seed) of :data:`RUNS` with ``mim train``
(the ``ce`` variant sets ``loss_inter`` and ``loss_intra`` to None; the
schedule is the same), at most ``--jobs`` at a time with one torch thread
each, then prints mean and standard deviation of the final validation
``--metric`` (times ``--scale``; default top-1 in %) per config and
variant, and each seed's value. For the PsyMo gait check:
``--configs configs/psymo/stgcnpp_acl_psymo_gait.py
configs/psymo/aclnet_psymo_gait.py --metric gait/mean --scale 1``. Runs whose
``OUT_DIR/<name>/done`` exists are not repeated. Data:
``data/kinect_actions/{utkinect_ntu25,florence3d_15j}.pkl``.

After the table, per config: the paired difference ACL - CE for each seed,
its mean and a 95 % interval (Student's t over the seeds). ``--option
KEY=VALUE`` adds a ``--cfg-options`` entry to every run; ``{work}`` in it
becomes the run's work folder, e.g. ``--option
val_evaluator.1.out_file_path={work}/val_predictions.pkl`` for the
MSRC-12 configs, whose final validation also dumps its predictions. With
such dumps, ``--groups 3,8,10 2,7,5`` prints the per-class accuracy of the
classes of each group (mean over seeds), CE against ACL.
"""
import argparse
import glob
import json
import math
import os
import statistics
import subprocess
import sys
import time

RUNS = ('configs/kinect_actions/stgcnpp_acl_utkinect.py',
        'configs/kinect_actions/aclnet_utkinect.py',
        'configs/kinect_actions/aclnet_florence3d.py')
CE = ['model.cls_head.loss_inter=None', 'model.cls_head.loss_intra=None']


def final_metric(work_dir: str, key: str = 'acc/top1',
                 scale: float = 100.) -> float:
    """The last logged value of ``key`` in a run's scalars.json."""
    (path, ) = glob.glob(os.path.join(work_dir, '*', 'vis_data',
                                      'scalars.json'))
    with open(path) as f:
        values = [json.loads(line)[key] for line in f if f'"{key}"' in line]
    return scale * values[-1]


#: Student's t, two-sided 95 % (0.975 quantile), by degrees of freedom.
T_975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262,
         2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101,
         2.093, 2.086)


def paired_interval(ce, acl):
    """Per-seed ``acl - ce``, their mean and its 95 % interval.

    Returns:
        tuple: ``(differences, mean, low, high)``; the interval is
        ``mean +- t * sd / sqrt(n)`` (``None`` bounds for one seed).
    """
    diffs = [a - c for c, a in zip(ce, acl)]
    mean = statistics.mean(diffs)
    if len(diffs) < 2:
        return diffs, mean, None, None
    t = T_975[min(len(diffs) - 1, len(T_975)) - 1] if len(diffs) <= 21 \
        else 1.96
    half = t * statistics.stdev(diffs) / math.sqrt(len(diffs))
    return diffs, mean, mean - half, mean + half


def per_class_accuracy(dump_path: str) -> dict:
    """Class index -> top-1 accuracy of a ``DumpResults`` pickle."""
    import numpy as np

    from aclnet_mm.evaluation.ensemble import load_dump
    dump = load_dump(dump_path)
    pred = np.argmax(dump.scores, axis=1)
    return {
        int(k): float(np.mean(pred[dump.labels == k] == k))
        for k in np.unique(dump.labels)
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('out')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--jobs', type=int, default=2)
    parser.add_argument('--configs', nargs='+', default=list(RUNS))
    parser.add_argument('--metric', default='acc/top1')
    parser.add_argument('--scale', type=float, default=100.)
    parser.add_argument('--option', action='append', default=[],
                        metavar='KEY=VALUE',
                        help='extra --cfg-options entry; {work} is the '
                        "run's work folder")
    parser.add_argument('--dump-name', default='val_predictions.pkl',
                        help='file name of a run\'s prediction dump')
    parser.add_argument('--groups', nargs='*', default=[],
                        metavar='K,K,...',
                        help='class groups whose per-class accuracy to '
                        'print (needs the dumps)')
    args = parser.parse_args(argv)
    todo = []
    for config in args.configs:
        for variant in ('ce', 'acl'):
            for seed in args.seeds:
                name = (f'{os.path.basename(config)[:-3]}_{variant}_'
                        f'seed{seed}')
                todo.append((config, variant, seed, name))
    env = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1')
    running = []
    for config, variant, seed, name in todo:
        work = os.path.join(args.out, name)
        if os.path.exists(os.path.join(work, 'done')):
            continue
        while len(running) >= args.jobs:
            running = [p for p in running if p.poll() is None]
            time.sleep(2)
        options = [f'randomness.seed={seed}'] + (
            CE if variant == 'ce' else []) + [
                o.replace('{work}', work) for o in args.option
            ]
        os.makedirs(work, exist_ok=True)
        cmd = (f'mim train mmaction2 {config} --work-dir {work} '
               f'--cfg-options {" ".join(options)} > {work}/log.txt 2>&1 '
               f'&& touch {work}/done')
        running.append(subprocess.Popen(cmd, shell=True, env=env))
    for p in running:
        p.wait()
    print(f'{"config":<24} {"variant":<8} {"mean":>6} {"std":>5}  per seed'
          f' ({args.metric})')
    finals = {}
    for config in args.configs:
        model = os.path.basename(config)[:-3]
        for variant in ('ce', 'acl'):
            values = {}
            for seed in args.seeds:
                work = os.path.join(args.out, f'{model}_{variant}_seed{seed}')
                if os.path.exists(os.path.join(work, 'done')):
                    values[seed] = final_metric(work, args.metric,
                                                args.scale)
            finals[model, variant] = values
            if not values:
                continue
            vals = list(values.values())
            std = statistics.stdev(vals) if len(vals) > 1 else 0.
            print(f'{model:<24} {variant:<8} '
                  f'{statistics.mean(vals):>6.1f} {std:>5.1f}  '
                  + ' / '.join(f'{v:.1f}' for v in vals))
    for config in args.configs:
        model = os.path.basename(config)[:-3]
        seeds = [s for s in args.seeds if s in finals[model, 'ce']
                 and s in finals[model, 'acl']]
        if not seeds:
            continue
        diffs, mean, low, high = paired_interval(
            [finals[model, 'ce'][s] for s in seeds],
            [finals[model, 'acl'][s] for s in seeds])
        ci = (f'95 % interval [{low:+.1f}, {high:+.1f}]'
              if low is not None else 'one seed: no interval')
        print(f'{model}: ACL - CE per seed ' +
              ' / '.join(f'{d:+.1f}' for d in diffs) +
              f'; mean {mean:+.1f}, {ci}')
        for group in args.groups:
            classes = [int(k) for k in group.split(',')]
            for variant in ('ce', 'acl'):
                accs = [
                    per_class_accuracy(
                        os.path.join(args.out,
                                     f'{model}_{variant}_seed{s}',
                                     args.dump_name)) for s in seeds
                ]
                print(f'  group {group} {variant:<4} ' + ', '.join(
                    f'{k}: {100 * statistics.mean(a[k] for a in accs):.1f}'
                    for k in classes))
    return 0


if __name__ == '__main__':
    sys.exit(main())
