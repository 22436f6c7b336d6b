# Kinetics-400 skeletons in PYSKL's form: data/k400/k400_hrnet.pkl plus the
# per-clip kpfiles under data/k400/kpfiles (read from disk, no memcached),
# HRNet COCO-17 2D poses in pixels turned into the 20-joint coco_new layout
# with the score as a third channel. Batch 64 (PYSKL's K400 recipe).
dataset_type = 'KineticsPoseDataset'
ann_file = 'data/k400/k400_hrnet.pkl'
kpfile_root = 'data/k400/kpfiles'
left_kp = [1, 3, 5, 7, 9, 11, 13, 15]
right_kp = [2, 4, 6, 8, 10, 12, 14, 16]
train_pipeline = [
    dict(type='DecompressPose', squeeze=True),
    dict(type='UniformSampleFrames', clip_len=100),
    dict(type='PoseDecode'),
    dict(type='Flip', flip_ratio=0.5, left_kp=left_kp, right_kp=right_kp),
    dict(type='COCO17To20'),
    dict(type='GenSkeFeatACL', layout='coco_new', feats=['j']),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='DecompressPose', squeeze=True),
    dict(type='UniformSampleFrames', clip_len=100, num_clips=1,
         test_mode=True),
    dict(type='PoseDecode'),
    dict(type='COCO17To20'),
    dict(type='GenSkeFeatACL', layout='coco_new', feats=['j']),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='DecompressPose', squeeze=True),
    dict(type='UniformSampleFrames', clip_len=100, num_clips=10,
         test_mode=True),
    dict(type='PoseDecode'),
    dict(type='COCO17To20'),
    dict(type='GenSkeFeatACL', layout='coco_new', feats=['j']),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]
train_dataloader = dict(
    batch_size=64,
    num_workers=8,
    persistent_workers=False,  # exact resume: see EpochSeedHook
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        num_classes=400,
        num_joints=17,
        ann_file=ann_file,
        kpfile_root=kpfile_root,
        pipeline=train_pipeline,
        split='train'))
val_dataloader = dict(
    batch_size=16,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        num_classes=400,
        num_joints=17,
        ann_file=ann_file,
        kpfile_root=kpfile_root,
        pipeline=val_pipeline,
        split='val',
        test_mode=True))
test_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        num_classes=400,
        num_joints=17,
        ann_file=ann_file,
        kpfile_root=kpfile_root,
        pipeline=test_pipeline,
        split='val',
        test_mode=True))
val_evaluator = [dict(type='AccMetric')]  # top-1/5 and mean-class accuracy
test_evaluator = val_evaluator
