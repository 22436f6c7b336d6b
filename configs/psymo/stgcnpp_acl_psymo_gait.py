# The PsyMo gait check of aclnet_psymo_gait.py with MMAction2's STGCN++
# (narrow, the same shape: 16 channels, 6 blocks) as the backbone and the
# ACL losses on the affinity derived from its features. Same data, schedule
# and protocol; cross-entropy-only baseline as there.
_base_ = './aclnet_psymo_gait.py'
model = dict(
    backbone=dict(_delete_=True, type='STGCN', gcn_adaptive='init',
                  gcn_with_res=True, tcn_type='mstcn',
                  graph_cfg=dict(layout='coco', mode='spatial'),
                  num_person=1, base_channels=16, num_stages=6,
                  inflate_stages=[4], down_stages=[4]),
    cls_head=dict(affinity='features'))
