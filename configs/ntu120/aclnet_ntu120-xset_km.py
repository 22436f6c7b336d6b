# ACLNet, NTU RGB+D 120, cross-setup:
# k-bone motion stream (spatial flip). No published single-stream top-1.
_base_ = 'aclnet_ntu120-xset_j.py'
from aclnet_mm.datasets.stream_pipelines import stream_pipelines  # noqa: E402

train_pipeline, val_pipeline, test_pipeline = stream_pipelines(
    _base_,
    feats=['km'],
    augment=[dict(type='SpatialFlip', layout='nturgb+d', p=0.5)])
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
