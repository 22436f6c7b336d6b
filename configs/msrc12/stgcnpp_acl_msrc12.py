# MMAction2's STGCN++ (narrow, as aclnet_msrc12.py) with the ACL losses from
# its features, on MSRC-12. LayoutSTGCN is MMAction2's STGCN with the
# kinect_v1 graph built by MMAction2's own Graph functions (its Graph names
# only openpose, nturgb+d and coco).
_base_ = ['aclnet_msrc12.py']
model = dict(
    backbone=dict(_delete_=True, type='LayoutSTGCN', gcn_adaptive='init',
                  gcn_with_res=True, tcn_type='mstcn',
                  graph_cfg=dict(layout='kinect_v1', mode='spatial'),
                  num_person=1, base_channels=16, num_stages=6,
                  inflate_stages=[4], down_stages=[4]),
    cls_head=dict(affinity='features'))
