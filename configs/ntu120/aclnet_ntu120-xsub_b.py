# ACLNet, NTU RGB+D 120, cross-subject:
# bone stream (spatial flip). Reference top-1 (10 clips): 88.63.
_base_ = 'aclnet_ntu120-xsub_j.py'
from aclnet_mm.datasets.stream_pipelines import stream_pipelines  # noqa: E402

train_pipeline, val_pipeline, test_pipeline = stream_pipelines(
    _base_,
    feats=['b'])
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
