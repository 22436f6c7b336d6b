#!/usr/bin/env bash
# Test a checkpoint on a Slurm cluster, as MMAction2's tools/slurm_test.sh.
#
#   [GPUS=8] [GPUS_PER_NODE=8] [CPUS_PER_TASK=5] [SRUN_ARGS=...] \
#       tools/slurm_test.sh PARTITION JOB_NAME CONFIG CHECKPOINT [test.py args...]
#
# Runs MMAction2's own tools/test.py through srun with --launcher slurm
# (e.g. add --dump results.pkl). Same environment as tools/slurm_train.sh.
set -euo pipefail
source "$(dirname "$0")/dist_launch.sh"
usage_or_help 4 "$0 PARTITION JOB_NAME CONFIG CHECKPOINT [test.py args...]" "$@"
srun_launch "$1" "$2" test.py "$3" "$4" "${@:5}"
