"""Refuse a checkpoint whose tensors are not those of the model.

``torch``'s and MMEngine's ``load_state_dict(strict=False)`` load what fits
and only log the rest, so a checkpoint of another model (other joints,
channels, classes or width) gives a model that is partly random and still
predicts. Here every load of a checkpoint for use compares the checkpoint's
keys and shapes with the model's first and refuses a mismatch with one
:class:`CheckpointMismatchError` that names the first keys and shapes
(checkpoint vs model) and what model the checkpoint seems to be of.

Three rules (``mode``), one per reason to load a checkpoint:

- ``'test'`` (inference, ``mim test``, export, the analysis tools): every
  tensor of the model must be in the checkpoint with its shape, and the
  checkpoint must hold no other tensor. The losses' tensors (prototypes,
  confusion counts, memory bank, projections: anything under a ``loss*``
  module) are not used by test-time scores: if they are absent (or the
  checkpoint has loss tensors the model lacks) one warning says how many,
  and the model's own values stay.
- ``'resume'``: everything must match, loss state included (resuming
  continues the same run).
- ``'finetune'`` (a training run's ``load_from``): everything outside the
  classification head (``cls_head.``) must match. The head loads when all
  of it fits; when any head tensor is absent, extra or shaped differently
  (another class count), none of the head is loaded (its loss state, e.g.
  the memory bank's labels, belongs to the old class set), one warning
  says so, and the head starts from its initial values: fine-tuning a
  pretrained backbone on a new class set.

:func:`load_weights_strict` is the one entry point of the tools and the
API; :func:`checked_state_dict` is what MMEngine's ``Runner`` loads go
through (see :func:`install_runner_checks`).
"""
import contextvars
import functools
import logging
import re
from collections import OrderedDict
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

import torch
import torch.nn as nn
from mmengine.logging import print_log

from .safe_loading import CheckpointError, safe_torch_load

#: The load rules, see the module docstring.
MODES = ('test', 'resume', 'finetune')
#: Prefix of the classification head's tensors (``RecognizerGCN``).
HEAD_PREFIX = 'cls_head.'
#: Keys and shapes named per kind of mismatch in a message.
SHOWN = 3

_LOSS_KEY = re.compile(r'(^|\.)loss[^.]*\.')


class CheckpointMismatchError(CheckpointError, ValueError):
    """The checkpoint's tensors are not those of the model."""


def is_loss_state(key: str) -> bool:
    """bool: Whether ``key`` is a tensor of a loss module (``*.loss*.*``)."""
    return _LOSS_KEY.search(key) is not None


def state_dict_of(checkpoint: Any, source: str) -> Mapping[str, Any]:
    """The tensors of a loaded checkpoint (its ``state_dict`` if it has one).

    Raises:
        CheckpointMismatchError: If it holds no dict of tensors.
    """
    state = checkpoint
    if isinstance(checkpoint, Mapping) and 'state_dict' in checkpoint:
        state = checkpoint['state_dict']
    if not isinstance(state, Mapping) or not any(
            torch.is_tensor(v) for v in state.values()):
        what = (f'a dict with keys {sorted(map(str, state))[:5]}'
                if isinstance(state, Mapping) else type(state).__name__)
        raise CheckpointMismatchError(
            f'checkpoint {source} holds no model weights (no state_dict of '
            f'tensors; it holds {what})')
    return state


def _shape(value: Any) -> Optional[Tuple[int, ...]]:
    return tuple(value.shape) if torch.is_tensor(value) else None


def describe(state: Mapping[str, Any]) -> 'OrderedDict[str, int]':
    """What the tensors of a (``RecognizerGCN``) state dict reveal.

    ``K``: rows of the classifier ``cls_head.fc(_cls).weight`` (or of the
    inter loss's confusion counts); ``V``: the
    last dimension of the first square graph ``backbone.*.A``; ``C``: the
    input channels of the first 4-D backbone weight; ``width``: the size
    of the first block's ``backbone.gcn.0.gcn.bn.weight``. Facts that
    cannot be read are left out.

    Args:
        state (Mapping): Key to tensor.

    Returns:
        OrderedDict: Some of ``K``, ``V``, ``C``, ``width``.
    """
    facts = OrderedDict()
    for key in ('cls_head.fc.weight', 'cls_head.fc_cls.weight',
                'cls_head.loss_inter.confusion'):
        shape = _shape(state.get(key))
        if shape is not None and len(shape) == 2:
            facts['K'] = shape[0]
            break
    backbone = [(k, _shape(v)) for k, v in state.items()
                if k.startswith('backbone.') and _shape(v) is not None]
    for key, shape in backbone:
        if (key.endswith('.A') or key == 'backbone.A') and len(shape) >= 2 \
                and shape[-1] == shape[-2]:
            facts['V'] = shape[-1]
            break
    for key, shape in backbone:
        if key.endswith('.weight') and len(shape) == 4:
            facts['C'] = shape[1]
            break
    shape = _shape(state.get('backbone.gcn.0.gcn.bn.weight'))
    if shape is not None and len(shape) == 1:
        facts['width'] = shape[0]
    return facts


def _layouts_of(num_joints: int) -> List[str]:
    from aclnet_mm.layouts import LAYOUTS
    return sorted(n for n, lay in LAYOUTS.items()
                  if lay.num_node == num_joints)


def facts_text(facts: Mapping[str, int]) -> str:
    """``'K=60 classes, V=25 joints (nturgb+d), 3 input channels, ...'``."""
    parts = []
    if 'K' in facts:
        parts.append(f'K={facts["K"]} classes')
    if 'V' in facts:
        names = _layouts_of(facts['V'])
        parts.append(f'V={facts["V"]} joints' +
                     (f' ({" or ".join(names)})' if names else ''))
    if 'C' in facts:
        parts.append(f'{facts["C"]} input channels')
    if 'width' in facts:
        parts.append(f'base width {facts["width"]}')
    return ', '.join(parts) or 'no class, joint or channel count'


def _written_by(checkpoint: Any) -> Optional[str]:
    """The config name of the run that wrote an MMEngine checkpoint."""
    meta = checkpoint.get('meta') if isinstance(checkpoint, Mapping) else None
    name = meta.get('experiment_name') if isinstance(meta, Mapping) else None
    if not isinstance(name, str) or not name:
        return None
    return re.sub(r'_\d{8}_\d{6}$', '', name)


def _fmt(shape: Optional[Tuple[int, ...]]) -> str:
    return 'absent' if shape is None else str(tuple(shape))


def _first(items: List[tuple], show) -> str:
    """The first :data:`SHOWN` items, one per module, and the count left."""
    shown, modules = [], set()
    for item in items:
        module = item[0].rsplit('.', 1)[0]
        if module not in modules:
            modules.add(module)
            shown.append(item)
        if len(shown) == SHOWN:
            break
    rest = len(items) - len(shown)
    return ', '.join(show(*item)
                     for item in shown) + (f' and {rest} more' if rest else '')


def _mismatch_message(source: str, target: str, mis_shaped, missing,
                      unexpected, ckpt_state, model_state, written_by,
                      mode) -> str:
    counts = []
    if mis_shaped:
        counts.append(f'{len(mis_shaped)} tensor(s) differ in shape')
    if missing:
        counts.append(f'{len(missing)} missing from the checkpoint')
    if unexpected:
        counts.append(f'{len(unexpected)} not in the model')
    parts = [
        f'checkpoint {source} does not fit {target}: '
        f'{", ".join(counts)}'
    ]
    if mis_shaped:
        parts.append(
            'shapes (checkpoint vs model): ' +
            _first(mis_shaped, lambda k, c, m: f'{k} {_fmt(c)} vs {_fmt(m)}'))
    if missing:
        parts.append('missing: ' +
                     _first(missing, lambda k, m: f'{k} {_fmt(m)}'))
    if unexpected:
        parts.append('not in the model: ' +
                     _first(unexpected, lambda k, c: f'{k} {_fmt(c)}'))
    facts = describe(ckpt_state)
    fits = (f'it seems to fit a model with {facts_text(facts)}'
            if facts else 'its tensors do not tell which model it is of')
    if written_by:
        fits += f' (written by a run of config {written_by!r})'
    parts.append(f'{fits}; this config builds '
                 f'{facts_text(describe(model_state))}')
    if mode == 'finetune':
        parts.append('load_from may differ from the model in cls_head only '
                     '(a new class count); to load part of a checkpoint on '
                     'purpose use init_cfg=dict(type=\'Pretrained\', ...) '
                     'on the module')
    return '; '.join(parts)


def checked_state_dict(model: nn.Module,
                       checkpoint: Any,
                       source: str,
                       target: str = 'the model',
                       mode: str = 'test') -> 'OrderedDict[str, Any]':
    """The state dict to load into ``model``, after checking it fits.

    The result has exactly the model's keys: the checkpoint's tensors,
    and the model's own for what the rule of ``mode`` lets stay (said in
    one warning), so it loads with ``strict=True``. A BatchNorm's
    ``num_batches_tracked`` may be absent (older checkpoints), as in
    MMEngine.

    Args:
        model (nn.Module): The model it is for.
        checkpoint: The loaded checkpoint (dict with ``state_dict``, or a
            state dict).
        source (str): The checkpoint's name, for messages.
        target (str): The model's name, e.g. ``'the model of CONFIG'``.
        mode (str): ``'test'``, ``'resume'`` or ``'finetune'`` (see the
            module docstring). Defaults to ``'test'``.

    Returns:
        OrderedDict: Key to tensor, the model's keys in its order.

    Raises:
        CheckpointMismatchError: If a tensor the rule needs is missing or
            shaped differently, or the checkpoint holds other tensors.
    """
    if mode not in MODES:
        raise ValueError(f'mode must be one of {MODES}, got {mode!r}')
    ckpt_state = state_dict_of(checkpoint, source)
    model_state = model.state_dict()

    def lenient(key: str) -> bool:
        if mode == 'test':
            return is_loss_state(key)
        return mode == 'finetune' and key.startswith(HEAD_PREFIX)

    # (key, checkpoint shape or None, model shape or None)
    mis_shaped, missing, unexpected, lenient_diff = [], [], [], []
    for key, value in model_state.items():
        if key not in ckpt_state:
            if not key.endswith('num_batches_tracked'):
                (lenient_diff if lenient(key) else missing).append(
                    (key, None, _shape(value)))
            continue
        got = _shape(ckpt_state[key])
        if got != _shape(value):
            (lenient_diff if mode == 'finetune' and lenient(key) else
             mis_shaped).append((key, got, _shape(value)))
    for key, value in ckpt_state.items():
        if key not in model_state:
            (lenient_diff if lenient(key) else unexpected).append(
                (key, _shape(value), None))
    if mis_shaped or missing or unexpected:
        raise CheckpointMismatchError(
            _mismatch_message(source, target, mis_shaped,
                              [(k, m) for k, _, m in missing],
                              [(k, c) for k, c, _ in unexpected], ckpt_state,
                              model_state, _written_by(checkpoint), mode))
    skip_head = mode == 'finetune' and bool(lenient_diff)
    if lenient_diff:
        _warn_lenient(source, target, mode, lenient_diff)
    out = OrderedDict()
    for key, value in model_state.items():
        theirs = ckpt_state.get(key)
        use = (
            theirs is not None and _shape(theirs) == _shape(value)
            and not (skip_head and key.startswith(HEAD_PREFIX)))
        out[key] = theirs if use else value
    metadata = getattr(ckpt_state, '_metadata', None)
    if metadata is not None:
        out._metadata = metadata
    return out


def _warn_lenient(source: str, target: str, mode: str,
                  diff: List[tuple]) -> None:
    """The one warning about what the rule of ``mode`` let differ."""
    if mode == 'test':
        absent = [(k, m) for k, c, m in diff if c is None]
        extra = [(k, c) for k, c, m in diff if m is None]
        said = []
        if absent:
            said.append(f'{len(absent)} loss-state tensor(s) of {target} '
                        'are not in it (' + _first(absent, lambda k, m: k) +
                        ')')
        if extra:
            said.append(f'{len(extra)} of its loss-state tensor(s) are not '
                        'in the model (' + _first(extra, lambda k, c: k) + ')')
        text = (' and '.join(said) + '; test-time scores do not use the '
                'losses, so this does not change them')
    else:
        text = (f'its cls_head does not fit {target} (' +
                _first(diff, lambda k, c, m: f'{k} {_fmt(c)} vs {_fmt(m)}') +
                '), so no cls_head tensor is loaded: the head starts from '
                'its initial values (fine-tuning on a new class set) and '
                'the rest of the model is loaded')
    print_log(
        f'checkpoint {source}: {text}',
        logger='current',
        level=logging.WARNING)


def load_weights_strict(model: nn.Module,
                        checkpoint: Any,
                        source: Optional[str] = None,
                        target: str = 'the model',
                        mode: str = 'test') -> Dict:
    """Load a checkpoint into ``model`` after checking that it fits.

    The one way this project's tools and API load a checkpoint for use.

    Args:
        model (nn.Module): The built model.
        checkpoint (str | dict): A checkpoint file (read with the safe
            loader) or an already loaded checkpoint / state dict.
        source (str, optional): Its name in messages. Defaults to the path
            (or ``'the checkpoint'``).
        target (str): The model's name, e.g. ``'the model of CONFIG'``.
        mode (str): See :func:`checked_state_dict`. Defaults to ``'test'``.

    Returns:
        dict: The loaded checkpoint.

    Raises:
        FileNotFoundError, UnsafeCheckpointError, CorruptCheckpointError:
            From :func:`~aclnet_mm.engine.safe_loading.safe_torch_load`.
        CheckpointMismatchError: If it does not fit the model.
    """
    if isinstance(checkpoint,
                  (str, bytes)) or hasattr(checkpoint, '__fspath__'):
        source = source or str(checkpoint)
        checkpoint = safe_torch_load(checkpoint)
    source = source or 'the checkpoint'
    state = checked_state_dict(model, checkpoint, source, target, mode)
    model.load_state_dict(state, strict=True)
    return checkpoint


#: How the Runner load under way is checked: ``(mode, source, target)``,
#: see :mod:`aclnet_mm.engine.checkpoint_check`.
_RUNNER_LOAD = contextvars.ContextVar('aclnet_runner_load',
                                      default=('test', 'the checkpoint',
                                               'the model'))


def _is_aclnet_model(model: torch.nn.Module) -> bool:
    return any(
        type(m).__module__.startswith('aclnet_mm.') for m in model.modules())


def _during(method: Callable, mode: str) -> Callable:
    """``method`` with the Runner loads it makes checked by ``mode``."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        token = _RUNNER_LOAD.set((mode, ) + _RUNNER_LOAD.get()[1:])
        try:
            return method(self, *args, **kwargs)
        finally:
            _RUNNER_LOAD.reset(token)

    wrapper._aclnet_checked = True
    return wrapper


def _naming(method: Callable) -> Callable:
    """``Runner.load_checkpoint`` telling the check the file and config."""

    @functools.wraps(method)
    def wrapper(self, filename, *args, **kwargs):
        config = getattr(self.cfg, 'filename', None)
        target = f'the model of {config}' if config else 'the model of ' \
            'the config'
        token = _RUNNER_LOAD.set(
            (_RUNNER_LOAD.get()[0], str(filename), target))
        try:
            return method(self, filename, *args, **kwargs)
        finally:
            _RUNNER_LOAD.reset(token)

    wrapper._aclnet_checked = True
    return wrapper


def _checking(load_to_model: Callable) -> Callable:
    """MMEngine's ``_load_checkpoint_to_model``, checking aclnet models.

    For a model with ``aclnet_mm`` modules the checkpoint (after
    ``revise_keys``) must fit by the rule of the Runner call under way:
    ``'resume'`` in :meth:`Runner.resume`, ``'finetune'`` for
    ``load_from`` in :meth:`Runner.train`, ``'test'`` otherwise (``test``,
    ``val``, a direct ``load_checkpoint``). Other models load as MMEngine
    loads them.
    """

    @functools.wraps(load_to_model)
    def wrapper(model, checkpoint, strict=False, logger=None,
                revise_keys=[(r'^module\.', '')]):
        if not _is_aclnet_model(model):
            return load_to_model(model, checkpoint, strict, logger,
                                 revise_keys)
        mode, source, target = _RUNNER_LOAD.get()
        state = state_dict_of(checkpoint, source)
        metadata = getattr(state, '_metadata', None)
        for pattern, repl in revise_keys:
            state = OrderedDict(
                (re.sub(pattern, repl, k), v) for k, v in state.items())
        if metadata is not None:
            state._metadata = metadata
        state = checked_state_dict(model, state, source, target, mode)
        load_to_model(model, dict(state_dict=state), strict, logger, [])
        return checkpoint

    wrapper._aclnet_checked = True
    return wrapper


def install_runner_checks() -> None:
    """Make MMEngine's ``Runner`` check the checkpoints it loads.

    Wraps ``_load_checkpoint_to_model`` (by the name ``runner.py`` imports
    it under), ``Runner.load_checkpoint`` (to name the file and config),
    ``Runner.train`` (``load_from``: ``'finetune'``) and ``Runner.resume``
    (``'resume'``); other loads use ``'test'``. Safe to call more than
    once. Called by :func:`aclnet_mm.engine.safe_loading.install`.
    """
    from mmengine.runner import Runner
    from mmengine.runner import runner as mm_runner
    if getattr(mm_runner._load_checkpoint_to_model, '_aclnet_checked',
               False):
        return
    mm_runner._load_checkpoint_to_model = _checking(
        mm_runner._load_checkpoint_to_model)
    Runner.load_checkpoint = _naming(Runner.load_checkpoint)
    Runner.train = _during(Runner.train, 'finetune')
    Runner.resume = _during(Runner.resume, 'resume')
