#!/usr/bin/env bash
# Train on a Slurm cluster, as MMAction2's tools/slurm_train.sh does.
#
#   [GPUS=8] [GPUS_PER_NODE=8] [CPUS_PER_TASK=5] [SRUN_ARGS=...] \
#       tools/slurm_train.sh PARTITION JOB_NAME CONFIG WORK_DIR [train.py args...]
#
# Runs MMAction2's own tools/train.py (shipped inside the mmaction2 package)
# through srun with --launcher slurm, one task per GPU. GPUS_PER_NODE=0
# asks for no GPU (CPU tasks); without CUDA the gloo backend is selected,
# as in tools/dist_train.sh.
set -euo pipefail
source "$(dirname "$0")/dist_launch.sh"
usage_or_help 4 "$0 PARTITION JOB_NAME CONFIG WORK_DIR [train.py args...]" "$@"
srun_launch "$1" "$2" train.py "$3" --work-dir="$4" "${@:5}"
