# ACLNet, PKU-MMD, cross-subject:
# joint stream (part drop). Reference top-1 (10 clips): 96.04.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/aclnet_gcn.py',
    '../_base_/schedules/sgd_cosine_150e.py',
    '../_base_/datasets/pku_mmd_xsub_3d.py'
]
model = dict(
    backbone=dict(graph_cfg=dict(layout='nturgb+d')),
    cls_head=dict(
        num_classes=51,
        layout='nturgb+d',
        loss_intra=dict(memory_size=512)))

from aclnet_mm.datasets.stream_pipelines import with_stream  # noqa: E402

train_pipeline = with_stream(
    _base_.train_pipeline, feats=['j'], augment=[dict(type='PartDrop', p=0.2)])
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
