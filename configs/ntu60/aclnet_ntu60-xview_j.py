# ACLNet, NTU RGB+D 60, cross-view:
# joint stream (no extra aug). Reference top-1 (10 clips): 96.38.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/aclnet_gcn.py',
    '../_base_/schedules/sgd_cosine_150e.py',
    '../_base_/datasets/ntu60_xview_3d.py'
]
model = dict(
    backbone=dict(graph_cfg=dict(layout='nturgb+d')),
    cls_head=dict(
        num_classes=60,
        layout='nturgb+d',
        loss_intra=dict(memory_size=512)))
