# ACLNet: ACLGCN backbone (base width 96, 10 blocks) + ACLHead with the
# inter-class affinity loss and the intra-class margin loss (0.1 each).
layout = 'nturgb+d'  # set the same layout on the backbone and the head
model = dict(
    type='RecognizerGCN',
    backbone=dict(
        type='ACLGCN',
        graph_cfg=dict(
            layout=layout,
            mode='random',
            num_filter=8,
            init_off=0.04,
            init_std=0.02),
        base_channels=96,
        gcn_ratio=0.125),
    cls_head=dict(
        type='ACLHead',
        num_classes=60,
        in_channels=384,
        layout=layout,
        loss_inter=dict(
            type='InterAffinityContrastiveLoss',
            loss_weight=0.1,
            num_neighbors=10,  # the paper; None scales them with K
            coincidence=4,
            size_bounds=(10, 20),
            temperatures=(0.1, 0.5, 1.0)),
        loss_intra=dict(
            type='IntraMarginContrastiveLoss',
            loss_weight=0.1,
            memory_size=512,
            temperature=0.1,
            epsilon=0.1)))

# Confusion counting from epoch 30, superclass loss from epoch 31; rebuilt
# after every epoch. Independent of validation. EpochSeedHook seeds every
# epoch from (seed, epoch, rank), so --resume continues exactly.
custom_hooks = [
    dict(type='EpochSeedHook'),
    dict(type='SuperclassRebuildHook', start_epoch=30),
    dict(type='SuperclassStatsHook')  # acl/* scalars for the visualizer
]
