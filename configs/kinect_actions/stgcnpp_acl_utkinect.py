# MMAction2's STGCN++ (narrow, as aclnet_utkinect.py) with the ACL losses
# from its features, on UTKinect-Action3D.
_base_ = ['aclnet_utkinect.py']
model = dict(
    backbone=dict(_delete_=True, type='STGCN', gcn_adaptive='init',
                  gcn_with_res=True, tcn_type='mstcn',
                  graph_cfg=dict(layout='nturgb+d', mode='spatial'),
                  num_person=1, base_channels=16, num_stages=6,
                  inflate_stages=[4], down_stages=[4]),
    cls_head=dict(affinity='features'))
