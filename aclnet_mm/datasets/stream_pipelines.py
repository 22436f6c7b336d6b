"""Derive a stream config's pipelines from its joint config's.

ACLNet trains one model per stream (j, b, k, jm, bm, km). A stream's
pipelines are its joint config's with two things changed: the feature step
(``GenSkeFeat`` / ``GenSkeFeatACL``) makes the stream, and the train
pipeline's stream augmentation (``SpatialFlip`` / ``PartDrop``, or none)
is the one the reference uses for that stream. MMEngine merges inherited
dicts key by key but replaces lists whole; in the code of a config,
``_base_`` is the inherited config, so a stream config derives its
pipelines from its joint config's and states only those two things::

    _base_ = 'aclnet_ntu60-xsub_j.py'
    from aclnet_mm.datasets.stream_pipelines import stream_pipelines

    train_pipeline, val_pipeline, test_pipeline = stream_pipelines(
        _base_, feats=['b'],
        augment=[dict(type='SpatialFlip', layout='nturgb+d', p=0.5)])
    train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
    val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
    test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
"""
import copy
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

#: Transform types that compute the streams.
FEATURE_STEPS = ('GenSkeFeat', 'GenSkeFeatACL')

#: Transform types that are a stream's own train augmentation.
STREAM_AUGMENTS = ('SpatialFlip', 'PartDrop')

#: Streams MMAction2's ``GenSkeFeat`` computes (it has no k-bones).
MMACTION_FEATS = ('j', 'b', 'jm', 'bm')

Pipeline = List[Dict]


def stream_step(joint_step: Dict, feats: Sequence[str]) -> Dict:
    """The feature step of a stream, from the joint config's step.

    MMAction2's ``GenSkeFeat`` is kept where it computes the stream;
    k-bone streams (and any layout given to ``GenSkeFeatACL``) use
    ``GenSkeFeatACL`` with the same layout.

    Args:
        joint_step (dict): The joint config's ``GenSkeFeat`` or
            ``GenSkeFeatACL`` step.
        feats (Sequence[str]): The stream, e.g. ``['bm']``.

    Returns:
        dict: The new step (the joint step is not modified).
    """
    feats = list(feats)
    if joint_step['type'] == 'GenSkeFeat':
        if set(feats) <= set(MMACTION_FEATS):
            return dict(joint_step, feats=feats)
        step = dict(type='GenSkeFeatACL', layout=joint_step['dataset'])
    else:
        step = {k: v for k, v in joint_step.items() if k != 'feats'}
    step['feats'] = feats
    return step


def with_stream(pipeline: Sequence[Dict],
                feats: Sequence[str],
                augment: Optional[Sequence[Dict]] = None) -> Pipeline:
    """A copy of ``pipeline`` computing stream ``feats``.

    Args:
        pipeline (Sequence[dict]): A joint-stream pipeline with one
            feature step.
        feats (Sequence[str]): The stream.
        augment (Sequence[dict], optional): Replaces the pipeline's stream
            augmentation (its ``SpatialFlip`` / ``PartDrop`` steps) and goes
            right before the feature step. None keeps the pipeline's own.
            Defaults to None.

    Returns:
        list[dict]: The new pipeline.

    Raises:
        ValueError: If the pipeline has no feature step, or several.
    """
    steps = [copy.deepcopy(dict(s)) for s in pipeline]
    where = [i for i, s in enumerate(steps) if s['type'] in FEATURE_STEPS]
    if len(where) != 1:
        raise ValueError(f'expected one of {FEATURE_STEPS} in the pipeline, '
                         f'found {len(where)}: {[s["type"] for s in steps]}')
    steps[where[0]] = stream_step(steps[where[0]], feats)
    if augment is None:
        return steps
    kept = [s for s in steps if s['type'] not in STREAM_AUGMENTS]
    at = next(i for i, s in enumerate(kept) if s['type'] in FEATURE_STEPS)
    return kept[:at] + [copy.deepcopy(dict(a)) for a in augment] + kept[at:]


def stream_pipelines(joint: Mapping,
                     feats: Sequence[str],
                     augment: Optional[Sequence[Dict]] = None
                     ) -> Tuple[Pipeline, Pipeline, Pipeline]:
    """Train, val and test pipelines of a stream of a joint config.

    Args:
        joint (Mapping): The joint-stream config (``_base_`` inside a
            config file), with ``train_pipeline``, ``val_pipeline`` and
            ``test_pipeline``.
        feats (Sequence[str]): The stream, e.g. ``['k']``.
        augment (Sequence[dict], optional): The stream's train
            augmentation (see :func:`with_stream`); val and test have
            none. Defaults to None (keep the joint config's).

    Returns:
        tuple[list[dict], list[dict], list[dict]]: The three pipelines.
    """
    return (with_stream(joint['train_pipeline'], feats, augment),
            with_stream(joint['val_pipeline'], feats),
            with_stream(joint['test_pipeline'], feats))
