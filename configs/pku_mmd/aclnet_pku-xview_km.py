# ACLNet, PKU-MMD, cross-view:
# k-bone motion stream (part drop). No published single-stream top-1.
_base_ = 'aclnet_pku-xview_j.py'

train_pipeline = [
    dict(type='PreNormalize3D', align_spine=False, align_shoulder=False),
    dict(type='RandomRot', theta=0.2),
    dict(type='PartDrop', p=0.2),
    dict(type='GenSkeFeatACL', layout='nturgb+d', feats=['km']),
    dict(type='UniformSampleFrames', clip_len=50),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='PreNormalize3D', align_spine=False, align_shoulder=False),
    dict(type='GenSkeFeatACL', layout='nturgb+d', feats=['km']),
    dict(type='UniformSampleFrames', clip_len=50, num_clips=1,
         test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='PreNormalize3D', align_spine=False, align_shoulder=False),
    dict(type='GenSkeFeatACL', layout='nturgb+d', feats=['km']),
    dict(type='UniformSampleFrames', clip_len=50, num_clips=10,
         test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
