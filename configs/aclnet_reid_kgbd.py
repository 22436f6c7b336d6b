# ACLNet for skeleton person re-identification on KGBD (164 walkers,
# Kinect v1 20 joints), the per-axis npy data of Rao et al.'s line of work
# (TranSG, SPC-MGR, ...): subsequences of f = 6 frames, identities as
# classes, the embedding of probe subsequences matched against the gallery:
# CMC rank-1/5/10 and mAP. Data:
#   python tools/data/reid_npy_to_pkl.py Datasets/KGBD data/reid/kgbd_f6.pkl \
#       --dataset KGBD --frames 6
# The paper's re-ID recipe is not public (spec section 8): schedule and
# loss settings are those of the action configs.
_base_ = [
    '_base_/default_runtime.py', '_base_/models/aclnet_gcn.py',
    '_base_/schedules/sgd_cosine_150e.py'
]

dataset_type = 'ReIDPoseDataset'
ann_file = 'data/reid/kgbd_f6.pkl'
layout = 'kinect_v1'
num_classes = 164
clip_len = 6
meta_keys = ('subject_id', 'role')

model = dict(
    backbone=dict(graph_cfg=dict(layout=layout), num_person=1),
    cls_head=dict(
        type='ACLEmbeddingHead',
        num_classes=num_classes,
        layout=layout,
        loss_intra=dict(memory_size=512)))

train_pipeline = [
    dict(type='CenterJoint', joint=0),  # as the re-ID literature
    dict(type='RandomRot', theta=0.1),
    dict(type='RandomScale', scale=0.1, dims=3),
    dict(type='UniformSampleFrames', clip_len=clip_len),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs', meta_keys=meta_keys)
]
test_pipeline = [
    dict(type='CenterJoint', joint=0),
    dict(
        type='UniformSampleFrames', clip_len=clip_len, num_clips=1,
        test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs', meta_keys=meta_keys)
]
train_dataloader = dict(
    batch_size=16,
    num_workers=4,
    persistent_workers=False,  # exact resume: see EpochSeedHook
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        num_classes=num_classes,
        num_joints=20,
        num_channels=3,
        ann_file=ann_file,
        split='train',
        pipeline=train_pipeline))
# 'test' holds the probe and the gallery subsequences (role field)
val_dataloader = dict(
    batch_size=64,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        num_classes=num_classes,
        num_joints=20,
        num_channels=3,
        ann_file=ann_file,
        split='test',
        pipeline=test_pipeline,
        test_mode=True))
test_dataloader = val_dataloader
val_evaluator = [dict(type='ReIDRetrievalMetric', metric='euclidean')]
test_evaluator = val_evaluator
train_cfg = dict(val_interval=10)
default_hooks = dict(
    checkpoint=dict(save_best='reid/all/mAP', rule='greater'))
