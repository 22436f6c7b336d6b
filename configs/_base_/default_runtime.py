# MMAction2's runtime (scope, default hooks incl. SyncBuffersHook, logging)
# plus what every aclnet_mm config needs.
_base_ = 'mmaction::_base_/default_runtime.py'

# Registers ACLGCN, ACLHead, the losses and the hook, and applies the stack's
# compatibility shims, in mim's process and in every torchrun rank.
custom_imports = dict(imports=['aclnet_mm'], allow_failed_imports=False)

# Multi-process: nccl on GPUs. On CPU-only machines use gloo:
#   --cfg-options env_cfg.dist_cfg.backend=gloo
# (tools/dist_train.sh and tools/dist_test.sh add it when torch has no CUDA).
env_cfg = dict(dist_cfg=dict(backend='nccl'))

# device_ids=None lets DDP wrap CPU and single-GPU modules alike.
# broadcast_buffers must stay False: the losses keep per-rank state that
# they synchronise themselves. No find_unused_parameters is needed: inactive
# losses return zeros connected to the graph.
model_wrapper_cfg = dict(
    type='MMDistributedDataParallel',
    device_ids=None,
    broadcast_buffers=False,
    find_unused_parameters=False)

# ParamSchedulerResumeHook: a run resumed with a changed schedule (e.g. a
# raised max_epochs) follows the config's schedule and says so in the log.
default_hooks = dict(
    logger=dict(interval=100),
    param_scheduler=dict(type='ParamSchedulerResumeHook'))
randomness = dict(seed=None, diff_rank_seed=False, deterministic=False)
auto_scale_lr = dict(enable=False, base_batch_size=16)
