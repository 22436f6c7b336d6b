# MMAction2's own 2s-AGCN (AAGCN) recipe (NTU RGB+D 60 X-Sub, joint, 2D,
# 80 epochs) with ACLNet's two affinity contrastive losses added: the head
# and the superclass hook are the only changes to the model and training.
#   mim train mmaction2 configs/mmaction_gcn/2s-agcn_acl_ntu60-xsub-joint-2d.py
_base_ = 'mmaction::skeleton/2s-agcn/2s-agcn_8xb16-joint-u100-80e_ntu60-xsub-keypoint-2d.py'  # noqa: E501
custom_imports = dict(imports=['aclnet_mm'], allow_failed_imports=False)

# The two lines that add ACL to the recipe: the head (the affinity graph
# comes from the backbone's features) and the superclass schedule (epoch 16
# of 80, the paper's 30 of 150).
model = dict(cls_head=dict(type='ACLHead', affinity='features', layout='coco'))  # noqa: E501
custom_hooks = [dict(type='SuperclassRebuildHook', start_epoch=16)]

# DDP: the losses keep per-rank state that they synchronise themselves.
model_wrapper_cfg = dict(
    type='MMDistributedDataParallel',
    broadcast_buffers=False,
    find_unused_parameters=False)
