# ACLNet re-ID on CASIA-B walks (the gait data of aclnet_casiab_gait.py,
# 2D COCO-17 poses; train 001-074, test 075-124), in the five settings of
# the skeleton re-ID literature: single-condition Nm-Nm, Bg-Bg, Cl-Cl and
# cross-condition Cl-Nm, Bg-Nm (probe condition - gallery condition).
# Which sequences form probe and gallery inside a condition is our choice
# (Rao et al.'s exact split could not be checked): NM#5-6 / BG#2 / CL#2
# probe against NM#1-4 / BG#1 / CL#1.
_base_ = './aclnet_casiab_gait.py'

nm_gallery = ('nm-01', 'nm-02', 'nm-03', 'nm-04')
reid = dict(
    type='ReIDRetrievalMetric',
    metric='euclidean',
    settings={
        'Nm-Nm':
        dict(
            probe=dict(condition=('nm-05', 'nm-06')),
            gallery=dict(condition=nm_gallery)),
        'Bg-Bg':
        dict(
            probe=dict(condition='bg-02'), gallery=dict(condition='bg-01')),
        'Cl-Cl':
        dict(
            probe=dict(condition='cl-02'), gallery=dict(condition='cl-01')),
        'Cl-Nm':
        dict(
            probe=dict(condition=('cl-01', 'cl-02')),
            gallery=dict(condition=nm_gallery)),
        'Bg-Nm':
        dict(
            probe=dict(condition=('bg-01', 'bg-02')),
            gallery=dict(condition=nm_gallery)),
    })
val_evaluator = [reid]
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='reid/Nm-Nm/mAP'))
