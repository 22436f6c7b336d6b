# PKU-MMD (51 classes), cross-subject, 3D joints in the NTU layout, clips of
# 50 frames: data/pku_mmd/pku_mmd.pkl with splits xsub_*/xview_*.
_base_ = './ntu60_xsub_3d.py'
ann_file = 'data/pku_mmd/pku_mmd.pkl'
clip_len = 50
# The NTU pipelines with PKU-MMD's clip length.
train_pipeline, val_pipeline, test_pipeline = [[
    dict(step, clip_len=clip_len)
    if step.type == 'UniformSampleFrames' else step for step in pipeline
] for pipeline in (_base_.train_pipeline, _base_.val_pipeline,
                   _base_.test_pipeline)]
train_dataloader = dict(
    dataset=dict(ann_file=ann_file, num_classes=51, pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(ann_file=ann_file, num_classes=51, pipeline=val_pipeline))
test_dataloader = dict(
    dataset=dict(ann_file=ann_file, num_classes=51, pipeline=test_pipeline))
