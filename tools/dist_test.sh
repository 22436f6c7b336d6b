#!/usr/bin/env bash
# Test a checkpoint on several GPUs (or CPU processes) with torchrun.
#
#   tools/dist_test.sh CONFIG CHECKPOINT NUM_PROCS [test.py args...]
#
# Runs MMAction2's own tools/test.py with --launcher pytorch (e.g. add
# --dump results.pkl). Same environment variables as tools/dist_train.sh.
set -euo pipefail
source "$(dirname "$0")/dist_launch.sh"
usage_or_help 3 "$0 CONFIG CHECKPOINT NUM_PROCS [test.py args...]" "$@"
launch "$3" test.py "$1" "$2" "${@:4}"
