# ACLNet, PKU-MMD, cross-view:
# bone stream (part drop). Reference top-1 (10 clips): 98.01.
_base_ = 'aclnet_pku-xview_j.py'
from aclnet_mm.datasets.stream_pipelines import stream_pipelines  # noqa: E402

train_pipeline, val_pipeline, test_pipeline = stream_pipelines(
    _base_,
    feats=['b'])
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
