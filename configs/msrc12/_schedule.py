# The shared schedule of the MSRC-12 comparison (issue 21): narrow models as
# in configs/kinect_actions/, 20 epochs, superclasses from epoch 6, one
# process. The study fixes its own epoch count before looking at any test
# number. Each leaf sets the model; the cross-entropy-only baseline is the
# same run with
#   --cfg-options model.cls_head.loss_inter=None model.cls_head.loss_intra=None
# Data (MSRC-12 as 70-frame windows, 12 classes, Kinect v1 20 joints, the
# cross-subject split train / test; 12 all-zero windows are skipped):
#   python tools/data/arrays_to_pkl.py PATH/msrc12_w70.npz \
#       data/msrc12/msrc12_w70.pkl --layout kinect_v1 --split-key train \
#       --subject-key subject --skip-bad
_base_ = ['../_base_/default_runtime.py']

ann_file = 'data/msrc12/msrc12_w70.pkl'
layout = 'kinect_v1'
num_classes = 12
classes = ('lift outstretched arms', 'duck', 'push right', 'goggles',
           'wind it up', 'shoot', 'bow', 'throw', 'had enough',
           'change weapon', 'beat both', 'kick')
max_epochs = 20
clip_len = 32
_gen = dict(type='GenSkeFeatACL', layout=layout, feats=['j'])
train_pipeline = [
    dict(type='PreNormalize3D', align_spine=False, align_shoulder=False),
    dict(type='RandomRot', theta=0.2), _gen,
    dict(type='UniformSampleFrames', clip_len=clip_len),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='PreNormalize3D', align_spine=False, align_shoulder=False), _gen,
    dict(type='UniformSampleFrames', clip_len=clip_len, num_clips=5,
         test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs')
]
_dataset = dict(type='CheckedPoseDataset', ann_file=ann_file,
                num_classes=num_classes, num_joints=20, num_channels=3,
                metainfo=dict(classes=classes))
train_dataloader = dict(
    batch_size=16, num_workers=0, persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(_dataset, split='train', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16, num_workers=0, persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(_dataset, split='test', pipeline=test_pipeline,
                 test_mode=True))
test_dataloader = val_dataloader
val_evaluator = [dict(type='AccMetric')]
test_evaluator = val_evaluator
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs,
                 val_begin=max_epochs, val_interval=max_epochs)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9,
                                    weight_decay=5e-4, nesterov=True))
param_scheduler = [dict(type='CosineAnnealingLR', eta_min=0, T_max=max_epochs,
                        by_epoch=True, convert_to_iter_based=True)]
custom_hooks = [
    dict(type='EpochSeedHook'),
    dict(type='SuperclassRebuildHook', start_epoch=6)
]
default_hooks = dict(logger=dict(interval=50),
                     checkpoint=dict(interval=max_epochs))
randomness = dict(seed=0)
