# PKU-MMD (51 classes), cross-subject, 3D joints in the NTU layout, clips of
# 50 frames: data/pku_mmd/pku_mmd.pkl with splits xsub_*/xview_*.
_base_ = './ntu60_xsub_3d.py'
ann_file = 'data/pku_mmd/pku_mmd.pkl'
clip_len = 50
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
    dataset=dict(ann_file=ann_file, num_classes=51, pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(ann_file=ann_file, num_classes=51, pipeline=val_pipeline))
test_dataloader = dict(
    dataset=dict(ann_file=ann_file, num_classes=51, pipeline=test_pipeline))
