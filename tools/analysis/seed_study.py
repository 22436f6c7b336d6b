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
"""
import argparse
import glob
import json
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('out')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--jobs', type=int, default=2)
    parser.add_argument('--configs', nargs='+', default=list(RUNS))
    parser.add_argument('--metric', default='acc/top1')
    parser.add_argument('--scale', type=float, default=100.)
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
        options = [f'randomness.seed={seed}'] + (CE if variant == 'ce'
                                                 else [])
        os.makedirs(work, exist_ok=True)
        cmd = (f'mim train mmaction2 {config} --work-dir {work} '
               f'--cfg-options {" ".join(options)} > {work}/log.txt 2>&1 '
               f'&& touch {work}/done')
        running.append(subprocess.Popen(cmd, shell=True, env=env))
    for p in running:
        p.wait()
    print(f'{"config":<24} {"variant":<8} {"mean":>6} {"std":>5}  per seed'
          f' ({args.metric})')
    for config in args.configs:
        for variant in ('ce', 'acl'):
            values = []
            for seed in args.seeds:
                name = (f'{os.path.basename(config)[:-3]}_{variant}_'
                        f'seed{seed}')
                work = os.path.join(args.out, name)
                if os.path.exists(os.path.join(work, 'done')):
                    values.append(
                        final_metric(work, args.metric, args.scale))
            if not values:
                continue
            std = statistics.stdev(values) if len(values) > 1 else 0.
            print(f'{os.path.basename(config)[:-3]:<24} {variant:<8} '
                  f'{statistics.mean(values):>6.1f} {std:>5.1f}  '
                  + ' / '.join(f'{v:.1f}' for v in values))
    return 0


if __name__ == '__main__':
    sys.exit(main())
