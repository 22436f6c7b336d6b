# Real-data re-ID check on the PsyMo subset: the model of
# aclnet_psymo_gait.py (trained on walkers 0-5), evaluated as person
# re-identification on walkers 6-9: gallery = the first normal walk
# (nm-01, both directions) per person and view, probes = every other walk;
# also per probe condition. CMC rank-1/5/10 and mAP.
#   mim test mmaction2 configs/psymo/aclnet_psymo_reid.py --checkpoint CKPT
_base_ = './aclnet_psymo_gait.py'

others = ('nm-02', 'bg-01', 'cl-01', 'ph-01', 'txt-01', 'wsf-01', 'wss-01')
gallery = dict(condition='nm-01')
reid = dict(
    type='ReIDRetrievalMetric',
    metric='euclidean',
    settings=dict(
        all=dict(probe=dict(condition=others), gallery=gallery),
        NM=dict(probe=dict(condition='nm-02'), gallery=gallery),
        BG=dict(probe=dict(condition='bg-01'), gallery=gallery),
        CL=dict(probe=dict(condition='cl-01'), gallery=gallery)))
val_evaluator = [reid]
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='reid/all/mAP'))
