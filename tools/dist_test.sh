#!/usr/bin/env bash
# Test a checkpoint on several GPUs (or CPU processes) with torchrun.
#
#   tools/dist_test.sh CONFIG CHECKPOINT NUM_PROCS [test.py args...]
#
# Runs MMAction2's own tools/test.py with --launcher pytorch (e.g. add
# --dump results.pkl). Same environment variables as tools/dist_train.sh.
set -euo pipefail
if [ $# -lt 3 ]; then
    echo "usage: $0 CONFIG CHECKPOINT NUM_PROCS [test.py args...]" >&2
    exit 2
fi
CONFIG=$1
CHECKPOINT=$2
NPROC=$3
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
    "$TOOLS/test.py" "$CONFIG" "$CHECKPOINT" --launcher pytorch \
    "${BACKEND[@]}" "${@:4}"
