# ACLNet, PKU-MMD, cross-view:
# joint stream (part drop). Reference top-1 (10 clips): 98.25.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/aclnet_gcn.py',
    '../_base_/schedules/sgd_cosine_150e.py',
    '../_base_/datasets/pku_mmd_xview_3d.py'
]
model = dict(
    backbone=dict(graph_cfg=dict(layout='nturgb+d')),
    cls_head=dict(
        num_classes=51,
        layout='nturgb+d',
        loss_intra=dict(memory_size=512)))

train_pipeline = [
    dict(type='PreNormalize3D', align_spine=False, align_shoulder=False),
    dict(type='RandomRot', theta=0.2),
    dict(type='PartDrop', p=0.2),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=50),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
