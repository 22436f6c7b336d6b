#!/usr/bin/env bash
# Train on several GPUs (or CPU processes) with torchrun and PyTorch DDP.
#
#   tools/dist_train.sh CONFIG NUM_PROCS [train.py args...]
#
# Runs MMAction2's own tools/train.py (shipped inside the mmaction2 package)
# with --launcher pytorch. Several nodes: set NNODES, NODE_RANK, MASTER_ADDR
# and PORT on every node. Without CUDA, the gloo backend is selected
# (--cfg-options env_cfg.dist_cfg.backend=gloo); later --cfg-options win.
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: $0 CONFIG NUM_PROCS [train.py args...]" >&2
    exit 2
fi
CONFIG=$1
NPROC=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-127.0.0.1}
PYTHON=${PYTHON:-python}

TOOLS=$("$PYTHON" -c 'import os, mmaction; print(os.path.join(os.path.dirname(mmaction.__file__), ".mim", "tools"))')
BACKEND=()
if ! "$PYTHON" -c 'import sys, torch; sys.exit(not torch.cuda.is_available())'; then
    BACKEND=(--cfg-options env_cfg.dist_cfg.backend=gloo)
fi

exec "$PYTHON" -m torch.distributed.run \
    --nnodes="$NNODES" \
    --node_rank="$NODE_RANK" \
    --master_addr="$MASTER_ADDR" \
    --nproc_per_node="$NPROC" \
    --master_port="$PORT" \
    "$TOOLS/train.py" "$CONFIG" --launcher pytorch "${BACKEND[@]}" "${@:3}"
