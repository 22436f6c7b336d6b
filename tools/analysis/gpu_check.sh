#!/usr/bin/env bash
# The GPU check, one short run (a few minutes on one GPU):
#   (a) the device-parametrized tests on CUDA (pytest -k cuda),
#   (b) --amp training of the demo for 2 epochs, fp16 and bf16,
#   (c) the train-step benchmark at paper size (batch 16, T=100, NTU 25
#       joints; K400: batch 64, V=20) in fp32, fp16 and bf16,
#   (d) the reference's two loss modules against ours at K=60/B=16 and
#       K=400/B=64, if REF_DIR holds a checkout of firework8/ACLNet.
#
#   tools/analysis/gpu_check.sh [OUT_DIR]        (from the repository root)
#
# Prepare here, for a GPU machine without network: the mm* wheels it lacks,
#   python3 -m pip download --no-deps --only-binary=:all: -d .whl \
#       --python-version 3.12 --platform manylinux_2_28_x86_64 \
#       --platform any mmengine==0.10.7 mmcv-lite==2.1.0 mmaction2==1.2.0 \
#       addict yapf termcolor importlib-metadata
# (mmcv-lite may come only as a source archive: then drop --only-binary
# for it), and a checkout of firework8/ACLNet under .ref/ACLNet (both
# folders are git-ignored; carry them).
# DEVICE=cpu QUICK=1 runs every step small on the CPU (a check of this
# script, not a measurement).
# Environment: PYTHON (default python3), REF_DIR (default .ref/ACLNet, kept
# out of git; skipped when absent), WHEELS (default .whl: wheels installed
# with --no-index first when mmaction is not importable, for a machine
# without network access). Every step's output goes to OUT_DIR/<step>.log
# and a summary to OUT_DIR/summary.txt; a failing step does not stop the
# others, the exit code is the number of failed steps.
set -uo pipefail
if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
    sed -n '2,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "$0"
    exit 0
fi
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python3}
OUT=${1:-gpu_check_out}
REF_DIR=${REF_DIR:-.ref/ACLNet}
WHEELS=${WHEELS:-.whl}
DEVICE=${DEVICE:-cuda}
QUICK=${QUICK:-0}
mkdir -p "$OUT"
if [ "$QUICK" = 1 ]; then
    NTU=(--batch 2 --frames 8 --repeats 1 --warmup 1 --quick)
    K400=(--batch 2 --frames 8 --repeats 1 --warmup 1 --quick)
    REF=(--quick --repeats 2)
    EPOCHS=(train_cfg.max_epochs=1 train_dataloader.dataset.num_per_class=2
            val_dataloader.dataset.num_per_class=1)
else
    NTU=(--batch 16 --frames 100 --repeats 10 --warmup 3)
    K400=(--batch 64 --frames 100 --repeats 5 --warmup 2)
    REF=(--repeats 10 --rebuild-repeats 1)
    EPOCHS=(train_cfg.max_epochs=2)
fi
failed=0

step() {  # step NAME COMMAND...
    local name=$1
    shift
    echo "== $name: $*" | tee -a "$OUT/summary.txt"
    local start=$SECONDS
    if "$@" > "$OUT/$name.log" 2>&1; then
        echo "   ok ($((SECONDS - start)) s)" | tee -a "$OUT/summary.txt"
    else
        echo "   FAILED ($((SECONDS - start)) s), see $name.log" \
            | tee -a "$OUT/summary.txt"
        failed=$((failed + 1))
    fi
}

: > "$OUT/summary.txt"
if ! "$PYTHON" -c 'import mmaction, mmengine' 2> /dev/null; then
    step install "$PYTHON" -m pip install --no-deps --no-index \
        --find-links "$WHEELS" mmengine mmcv-lite mmaction2 addict yapf \
        termcolor importlib-metadata
fi
step install_self "$PYTHON" -m pip install --no-deps --no-build-isolation -e .
"$PYTHON" -c 'import torch; print(torch.cuda.get_device_name(0)
    if torch.cuda.is_available() else "no CUDA device",
    "torch", torch.__version__)' | tee -a "$OUT/summary.txt"

step "tests_$DEVICE" "$PYTHON" -m pytest -q -k "$DEVICE" tests/models \
    tests/evaluation
for dtype in float16 bfloat16; do
    if [ "$DEVICE" != cuda ]; then  # MMEngine's AmpOptimWrapper needs a GPU
        echo "== amp_train_$dtype: skipped on $DEVICE" | tee -a "$OUT/summary.txt"
        continue
    fi
    step "amp_train_$dtype" "$PYTHON" "$(
        "$PYTHON" -c 'import os, mmaction; print(os.path.join(
            os.path.dirname(mmaction.__file__), ".mim", "tools",
            "train.py"))')" configs/aclnet_demo.py --amp \
        --work-dir "$OUT/amp_$dtype" --cfg-options "${EPOCHS[@]}" \
        custom_hooks.1.start_epoch=1 optim_wrapper.dtype=$dtype
done
for precision in fp32 fp16 bf16; do
    step "bench_ntu_$precision" "$PYTHON" tools/analysis/benchmark_train.py \
        --device "$DEVICE" --precision "$precision" "${NTU[@]}"
    step "bench_k400_$precision" "$PYTHON" tools/analysis/benchmark_train.py \
        --device "$DEVICE" --layout coco_new --num-classes 400 \
        --precision "$precision" "${K400[@]}"
done
if [ -d "$REF_DIR" ]; then
    step reference_losses "$PYTHON" \
        tools/analysis/benchmark_reference_losses.py --device "$DEVICE" \
        --ref-dir "$REF_DIR" "${REF[@]}"
else
    echo "== reference_losses: skipped, no checkout at REF_DIR=$REF_DIR" \
        | tee -a "$OUT/summary.txt"
fi
echo "failed steps: $failed" | tee -a "$OUT/summary.txt"
exit "$failed"
