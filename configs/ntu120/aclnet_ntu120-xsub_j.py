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

from aclnet_mm.datasets.stream_pipelines import with_stream  # noqa: E402

train_pipeline = with_stream(
    _base_.train_pipeline,
    feats=['j'],
    augment=[dict(type='SpatialFlip', layout='nturgb+d', p=0.5)])
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
