#!/usr/bin/env bash
# Train on several GPUs (or CPU processes) with torchrun and PyTorch DDP.
#
#   tools/dist_train.sh CONFIG NUM_PROCS [train.py args...]
#
# Runs MMAction2's own tools/train.py (shipped inside the mmaction2 package)
# with --launcher pytorch. Several nodes: set NNODES, NODE_RANK, MASTER_ADDR
# and PORT on every node. Without CUDA, the gloo backend is selected
# (--cfg-options env_cfg.dist_cfg.backend=gloo, merged with yours).
set -euo pipefail
source "$(dirname "$0")/dist_launch.sh"
usage_or_help 2 "$0 CONFIG NUM_PROCS [train.py args...]" "$@"
launch "$2" train.py "$1" "${@:3}"
