# Shared by dist_train.sh, dist_test.sh, slurm_train.sh and slurm_test.sh
# (sourced, not run): the location of MMAction2's packaged train.py/test.py,
# gloo instead of nccl when torch has no CUDA, and the two launchers.
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-127.0.0.1}
PYTHON=${PYTHON:-python}

# usage_or_help MIN_ARGS USAGE "$@": print USAGE and exit 0 on -h/--help,
# exit 2 when fewer than MIN_ARGS arguments are given.
usage_or_help() {
    local min=$1 usage=$2
    shift 2
    if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
        echo "usage: $usage"
        exit 0
    fi
    if [ $# -lt "$min" ]; then
        echo "usage: $usage" >&2
        exit 2
    fi
}

# find_stack: sets MMACTION_TOOLS and BACKEND_OPTION (imports torch, so
# it runs only once the arguments are known to be complete).
find_stack() {
    MMACTION_TOOLS=$("$PYTHON" -c 'import os, mmaction; print(os.path.join(os.path.dirname(mmaction.__file__), ".mim", "tools"))')
    BACKEND_OPTION=()
    if ! "$PYTHON" -c 'import sys, torch; sys.exit(not torch.cuda.is_available())'; then
        BACKEND_OPTION=(--cfg-options env_cfg.dist_cfg.backend=gloo)
    fi
}

# launch NUM_PROCS SCRIPT ARGS...: torchrun; SCRIPT is train.py or test.py
launch() {
    local nproc=$1 script=$2
    shift 2
    find_stack
    exec "$PYTHON" -m torch.distributed.run \
        --nnodes="$NNODES" \
        --node_rank="$NODE_RANK" \
        --master_addr="$MASTER_ADDR" \
        --nproc_per_node="$nproc" \
        --master_port="$PORT" \
        "$MMACTION_TOOLS/$script" "$@" --launcher pytorch \
        "${BACKEND_OPTION[@]}"
}

# srun_launch PARTITION JOB_NAME SCRIPT ARGS...: one Slurm task per process.
# GPUS (total tasks, default 8), GPUS_PER_NODE (default 8; 0 asks for no
# GPU), CPUS_PER_TASK (default 5), SRUN_ARGS (extra srun options).
srun_launch() {
    local partition=$1 job_name=$2 script=$3
    shift 3
    local gpus=${GPUS:-8} per_node=${GPUS_PER_NODE:-8}
    local gres=()
    if [ "$per_node" -eq 0 ]; then
        per_node=$gpus
    else
        [ "$per_node" -gt "$gpus" ] && per_node=$gpus
        gres=(--gres="gpu:$per_node")
    fi
    find_stack
    # shellcheck disable=SC2086  # SRUN_ARGS holds several options
    exec srun -p "$partition" \
        --job-name="$job_name" \
        "${gres[@]}" \
        --ntasks="$gpus" \
        --ntasks-per-node="$per_node" \
        --cpus-per-task="${CPUS_PER_TASK:-5}" \
        --kill-on-bad-exit=1 \
        ${SRUN_ARGS:-} \
        "$PYTHON" -u "$MMACTION_TOOLS/$script" "$@" --launcher slurm \
        "${BACKEND_OPTION[@]}"
}
