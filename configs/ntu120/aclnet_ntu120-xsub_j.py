# ACLNet, NTU RGB+D 120, cross-subject:
# joint stream (spatial flip). Reference top-1 (10 clips): 85.39.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/aclnet_gcn.py',
    '../_base_/schedules/sgd_cosine_150e.py',
    '../_base_/datasets/ntu120_xsub_3d.py'
]
model = dict(
    backbone=dict(graph_cfg=dict(layout='nturgb+d')),
    cls_head=dict(
        num_classes=120,
        layout='nturgb+d',
        loss_intra=dict(memory_size=1024)))

train_pipeline = [
    dict(type='PreNormalize3D', align_spine=False, align_shoulder=False),
    dict(type='RandomRot', theta=0.2),
    dict(type='SpatialFlip', layout='nturgb+d', p=0.5),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=100),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
