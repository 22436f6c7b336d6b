# ACLNet for skeleton gait recognition on CASIA-B (HRNet/OpenPose COCO-17
# 2D poses). The training walkers (001-074) are the classes, so the
# affinity losses find "look-alike walker" superclasses; at test time the
# pooled embedding of unseen walkers (075-124) is matched by the CASIA-B
# protocol: gallery NM#1-4, probes NM#5-6 / BG#1-2 / CL#1-2, rank-1 per
# (probe view, gallery view) pair with identical views excluded.
# Data: python tools/data/casia_b_to_pkl.py SRC data/casia_b/casia_b_pose.pkl
#       --format gaitgraph-csv|opengait-pkl  (see README, "Gait").
# The paper's gait recipe is not public (spec section 8): the schedule and
# the loss settings are those of the action configs.
_base_ = [
    '_base_/default_runtime.py', '_base_/models/aclnet_gcn.py',
    '_base_/schedules/sgd_cosine_150e.py'
]

dataset_type = 'GaitPoseDataset'
ann_file = 'data/casia_b/casia_b_pose.pkl'
layout = 'coco'
clip_len = 60
meta_keys = ('subject_id', 'condition', 'view')
left_kp = [1, 3, 5, 7, 9, 11, 13, 15]
right_kp = [2, 4, 6, 8, 10, 12, 14, 16]

model = dict(
    backbone=dict(graph_cfg=dict(layout=layout), num_person=1),
    cls_head=dict(
        type='ACLEmbeddingHead',
        num_classes=74,
        layout=layout,
        loss_intra=dict(memory_size=512)))

train_pipeline = [
    dict(type='RandomTemporalCrop', ratio=(0.6, 1.0), min_frames=20),
    dict(type='UniformSampleFrames', clip_len=clip_len),
    dict(type='PoseDecode'),
    # mirror with the left/right joint swap (needs img_shape)
    dict(type='Flip', flip_ratio=0.5, left_kp=left_kp, right_kp=right_kp),
    dict(type='PreNormalize2D'),  # pixels -> [-1, 1] by the image size
    dict(type='RandomRot', theta=0.1),
    dict(type='RandomScale', scale=0.1, dims=2),
    dict(type='GenSkeFeatACL', layout=layout, feats=['j']),
    dict(type='FormatGCNInput', num_person=1),
    dict(type='PackActionInputs', meta_keys=meta_keys)
]
test_pipeline = [
    dict(
        type='UniformSampleFrames', clip_len=clip_len, num_clips=5,
        test_mode=True),
    dict(type='PoseDecode'),
    dict(type='PreNormalize2D'),
    dict(type='GenSkeFeatACL', layout=layout, feats=['j']),
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
        num_classes=74,
        num_joints=17,
        num_channels=2,
        ann_file=ann_file,
        split='train',
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        num_classes=74,
        num_joints=17,
        num_channels=2,
        ann_file=ann_file,
        split='test',
        pipeline=test_pipeline,
        test_mode=True))
test_dataloader = val_dataloader
# CASIA-B protocol by default (GaitRank1Metric's module-level table)
val_evaluator = [dict(type='GaitRank1Metric', metric='euclidean')]
test_evaluator = val_evaluator
val_cfg = dict(type='ValLoop')
train_cfg = dict(val_interval=10)
default_hooks = dict(checkpoint=dict(save_best='gait/mean', rule='greater'))
