# The shared schedule of the small real-data comparison (README "Add ACL to
# your model"): narrow models, 20 epochs, superclasses from epoch 6, one
# process. Each leaf sets the model and the data; the cross-entropy-only
# baseline is the same run with
#   --cfg-options model.cls_head.loss_inter=None model.cls_head.loss_intra=None
_base_ = ['../_base_/default_runtime.py']

max_epochs = 20
clip_len = 32
train_pipeline = [
    dict(type='PreNormalize3D', align_spine=False, align_shoulder=False),
    dict(type='RandomRot', theta=0.2),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=clip_len),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='PreNormalize3D', align_spine=False, align_shoulder=False),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=clip_len, num_clips=5,
         test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs')
]
train_dataloader = dict(
    batch_size=16, num_workers=0, persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='CheckedPoseDataset', split='xsub_train',
                 num_channels=3, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16, num_workers=0, persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='CheckedPoseDataset', split='xsub_val',
                 num_channels=3, pipeline=test_pipeline, test_mode=True))
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
