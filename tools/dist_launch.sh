# Shared by dist_train.sh and dist_test.sh (sourced, not run): torchrun
# settings from the environment, the location of MMAction2's packaged
# train.py/test.py, and gloo instead of nccl when torch has no CUDA.
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-127.0.0.1}
PYTHON=${PYTHON:-python}

MMACTION_TOOLS=$("$PYTHON" -c 'import os, mmaction; print(os.path.join(os.path.dirname(mmaction.__file__), ".mim", "tools"))')
BACKEND_OPTION=()
if ! "$PYTHON" -c 'import sys, torch; sys.exit(not torch.cuda.is_available())'; then
    BACKEND_OPTION=(--cfg-options env_cfg.dist_cfg.backend=gloo)
fi

# launch NUM_PROCS SCRIPT ARGS...: SCRIPT is train.py or test.py
launch() {
    local nproc=$1 script=$2
    shift 2
    exec "$PYTHON" -m torch.distributed.run \
        --nnodes="$NNODES" \
        --node_rank="$NODE_RANK" \
        --master_addr="$MASTER_ADDR" \
        --nproc_per_node="$nproc" \
        --master_port="$PORT" \
        "$MMACTION_TOOLS/$script" "$@" --launcher pytorch \
        "${BACKEND_OPTION[@]}"
}
