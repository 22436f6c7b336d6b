"""tools/slurm_train.sh and slurm_test.sh against a stand-in ``srun``.

The stand-in writes the arguments it was given, one per line, and exits;
the tests check the command line a real ``srun`` would have received.
"""
import os
import os.path as osp
import stat
import subprocess
import sys

import mmaction
import pytest
import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
MMACTION_TOOLS = osp.join(osp.dirname(mmaction.__file__), '.mim', 'tools')


@pytest.fixture
def fake_srun(tmp_path):
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    srun = bin_dir / 'srun'
    srun.write_text('#!/usr/bin/env bash\n'
                    'printf "%s\\n" "$@" > "$SRUN_LOG"\n')
    srun.chmod(srun.stat().st_mode | stat.S_IEXEC)
    log = tmp_path / 'srun_args.txt'

    def run(script, *args, **env_extra):
        env = dict(
            os.environ,
            PATH=f'{bin_dir}{os.pathsep}{os.environ["PATH"]}',
            SRUN_LOG=str(log),
            PYTHON=sys.executable)
        for key in ('GPUS', 'GPUS_PER_NODE', 'CPUS_PER_TASK', 'SRUN_ARGS'):
            env.pop(key, None)
        env.update(env_extra)
        proc = subprocess.run(['bash',
                               osp.join(ROOT, 'tools', script), *args],
                              env=env,
                              capture_output=True,
                              text=True,
                              timeout=120)
        assert proc.returncode == 0, proc.stderr
        return log.read_text().splitlines()

    return run


def _backend_tail():
    # the same rule as tools/dist_train.sh: gloo when torch has no CUDA
    if torch.cuda.is_available():
        return []
    return ['--cfg-options', 'env_cfg.dist_cfg.backend=gloo']


def test_slurm_train_launches_mmaction_train_py(fake_srun):
    args = fake_srun(
        'slurm_train.sh',
        'gpu_part',
        'acl_job',
        'configs/aclnet_demo.py',
        'work_dirs/x',
        '--seed',
        '3',
        GPUS='16',
        GPUS_PER_NODE='8',
        CPUS_PER_TASK='4',
        SRUN_ARGS='--quotatype=auto -x node7')
    assert args == [
        '-p', 'gpu_part', '--job-name=acl_job', '--gres=gpu:8', '--ntasks=16',
        '--ntasks-per-node=8', '--cpus-per-task=4', '--kill-on-bad-exit=1',
        '--quotatype=auto', '-x', 'node7', sys.executable, '-u',
        osp.join(MMACTION_TOOLS, 'train.py'), 'configs/aclnet_demo.py',
        '--work-dir=work_dirs/x', '--seed', '3', '--launcher', 'slurm'
    ] + _backend_tail()
    assert osp.isfile(args[args.index('-u') + 1])


def test_slurm_test_defaults_and_cpu_tasks(fake_srun):
    args = fake_srun('slurm_test.sh', 'p', 'j', 'configs/aclnet_demo.py',
                     'ckpt.pth', '--dump', 'r.pkl')
    assert args[:8] == [
        '-p', 'p', '--job-name=j', '--gres=gpu:8', '--ntasks=8',
        '--ntasks-per-node=8', '--cpus-per-task=5', '--kill-on-bad-exit=1'
    ]
    assert args[8:] == [
        sys.executable, '-u',
        osp.join(MMACTION_TOOLS, 'test.py'), 'configs/aclnet_demo.py',
        'ckpt.pth', '--dump', 'r.pkl', '--launcher', 'slurm'
    ] + _backend_tail()
    # GPUS_PER_NODE=0: CPU tasks, no GPU request; fewer GPUs than a node
    cpu = fake_srun(
        'slurm_test.sh',
        'p',
        'j',
        'c.py',
        'k.pth',
        GPUS='4',
        GPUS_PER_NODE='0')
    assert not any(a.startswith('--gres') for a in cpu)
    assert '--ntasks-per-node=4' in cpu
    small = fake_srun('slurm_train.sh', 'p', 'j', 'c.py', 'w', GPUS='2')
    assert '--gres=gpu:2' in small and '--ntasks-per-node=2' in small


@pytest.mark.parametrize('script', ['slurm_train.sh', 'slurm_test.sh'])
def test_slurm_usage(script, tmp_path):
    help_ = subprocess.run(['bash',
                            osp.join(ROOT, 'tools', script), '--help'],
                           capture_output=True,
                           text=True)
    assert help_.returncode == 0 and 'PARTITION JOB_NAME CONFIG' in help_.stdout
    short = subprocess.run(['bash',
                            osp.join(ROOT, 'tools', script), 'p'],
                           capture_output=True,
                           text=True)
    assert short.returncode == 2 and 'usage:' in short.stderr
