# NTU RGB+D 60, cross-subject, 3D joints (the joint stream; other streams
# override the pipelines). MMAction2 ships the annotations as ntu60_3d.pkl;
# the config reads data/nturgbd/ntu60_3danno.pkl (the PYSKL name).
# CheckedPoseDataset is MMAction2's PoseDataset plus a check of every sample
# when it loads (finite, 25 joints, 3D, at least one frame, label < 60);
# add skip_invalid=True to drop bad samples with a counted warning instead.
dataset_type = 'CheckedPoseDataset'
ann_file = 'data/nturgbd/ntu60_3danno.pkl'
clip_len = 100
# align_spine/align_shoulder=False: centre only, no rotation (the paper's
# PreNormalize3D(align_spine=False)).
train_pipeline = [
    dict(type='PreNormalize3D', align_spine=False, align_shoulder=False),
    dict(type='RandomRot', theta=0.2),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=clip_len),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='PreNormalize3D', align_spine=False, align_shoulder=False),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(
        type='UniformSampleFrames', clip_len=clip_len, num_clips=1,
        test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='PreNormalize3D', align_spine=False, align_shoulder=False),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(
        type='UniformSampleFrames', clip_len=clip_len, num_clips=10,
        test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]
train_dataloader = dict(
    batch_size=16,
    num_workers=4,
    persistent_workers=False,  # exact resume: see EpochSeedHook
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        num_classes=60,
        num_joints=25,
        num_channels=3,
        ann_file=ann_file,
        pipeline=train_pipeline,
        split='xsub_train'))
val_dataloader = dict(
    batch_size=16,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        num_classes=60,
        num_joints=25,
        num_channels=3,
        ann_file=ann_file,
        pipeline=val_pipeline,
        split='xsub_val',
        test_mode=True))
test_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        num_classes=60,
        num_joints=25,
        num_channels=3,
        ann_file=ann_file,
        pipeline=test_pipeline,
        split='xsub_val',
        test_mode=True))
val_evaluator = [dict(type='AccMetric')]
test_evaluator = val_evaluator
