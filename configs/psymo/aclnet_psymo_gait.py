# Real-data gait check on the PsyMo subset (10 walkers, AlphaPose COCO-17,
# 3 views x 2 directions; conditions nm x2, bg, cl, ...): train on walkers
# 0-5, match walkers 6-9 with gallery nm-01 and probes nm-02 / bg-01 /
# cl-01 (both directions of a walk are separate sequences). Reduced model
# and schedule so that it runs on a CPU in minutes. Data:
#   python tools/data/casia_b_to_pkl.py PSYMO/semantic_data/skeletons \
#       data/psymo/psymo_gait.pkl --format folder --pattern psymo \
#       --train-subjects 0-5 --test-subjects 6-9
# Baseline (cross-entropy only): add
#   --cfg-options model.cls_head.loss_inter=None model.cls_head.loss_intra=None
_base_ = '../aclnet_casiab_gait.py'

ann_file = 'data/psymo/psymo_gait.pkl'
max_epochs = 40
model = dict(
    backbone=dict(
        base_channels=16,
        num_stages=6,
        inflate_stages=(4, ),
        down_stages=(4, )),
    cls_head=dict(
        num_classes=6,
        in_channels=32,
        # 2 of 6 walkers per superclass (the paper: 10 of 60 classes)
        loss_inter=dict(num_neighbors=2, coincidence=1),
        loss_intra=dict(memory_size=128)))
custom_hooks = [
    dict(type='EpochSeedHook'),
    dict(type='SuperclassRebuildHook', start_epoch=10),
    dict(type='SuperclassStatsHook')
]
train_dataloader = dict(
    num_workers=0, persistent_workers=False,
    dataset=dict(ann_file=ann_file, num_classes=6))
val_dataloader = dict(
    num_workers=0, persistent_workers=False,
    dataset=dict(ann_file=ann_file, num_classes=6))
test_dataloader = val_dataloader
protocol = dict(
    type='GaitRank1Metric',
    metric='euclidean',
    gallery=('nm-01', ),
    probes=dict(NM=('nm-02', ), BG=('bg-01', ), CL=('cl-01', )))
val_evaluator = [protocol]
test_evaluator = val_evaluator
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        eta_min=0,
        T_max=max_epochs,
        by_epoch=True,
        convert_to_iter_based=True)
]
optim_wrapper = dict(optimizer=dict(lr=0.05))
default_hooks = dict(logger=dict(interval=10), checkpoint=dict(interval=10))
randomness = dict(seed=0)
