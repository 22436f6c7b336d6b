# ACLNet, NTU RGB+D 60, cross-view:
# k-bone motion stream (part drop). No published single-stream top-1.
_base_ = 'aclnet_ntu60-xview_j.py'
from aclnet_mm.datasets.stream_pipelines import stream_pipelines  # noqa: E402

train_pipeline, val_pipeline, test_pipeline = stream_pipelines(
    _base_,
    feats=['km'],
    augment=[dict(type='PartDrop', p=0.2)])
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
