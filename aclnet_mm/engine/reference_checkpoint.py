"""Convert the ACLNet authors' published checkpoints to aclnet_mm.

The reference implementation (firework8/ACLNet, a PYSKL / mmcv-1.x code
base) saves ``{'meta': {...}, 'state_dict': {...}, 'optimizer': {...}}``.
Its backbone ``GCN_Module`` has the same module tree as :class:`ACLGCN`, so
its tensors keep their names; the head and the two losses use other names:

=====================================  =====================================
reference                              aclnet_mm
=====================================  =====================================
``backbone.*``                         ``backbone.*`` (same names, shapes)
``backbone.gcn.<i>.tcn.add_coeff``     the same, first ``V`` entries
``cls_head.fc_cls.*``                  ``cls_head.fc.*``
``cls_head.inter_loss.cl_fc.*``        ``cls_head.loss_inter.proj.*``
``cls_head.intra_loss.cl_fc.*``        ``cls_head.loss_intra.proj.*``
=====================================  =====================================

The reference sizes ``add_coeff`` for 25 joints whatever the layout and its
temporal convolution reads only ``add_coeff[:V]``, so on 20-joint models
(``coco_new``: Kinetics, FineGYM) entries 20-24 never enter a forward pass
and are dropped. The losses' state (prototypes, confusion counts,
superclasses, memory bank) lives in plain attributes in the reference, not
in its checkpoints; those buffers of the aclnet_mm model keep their initial
values, which is what a test or a fresh fine-tuning starts from. The
optimizer state is not converted.

:func:`convert_checkpoint` does the whole job: builds the model of a config,
reads the source with the safe loader
(:func:`~aclnet_mm.engine.safe_loading.safe_torch_load`), maps every
tensor, checks that the result loads strictly and writes an MMEngine
checkpoint atomically. A source that does not fit the config raises one
:class:`ReferenceCheckpointError` naming the first mismatches, before
anything is written.
"""
import hashlib
import os.path as osp
import re
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Tuple, Union

import mmengine
import torch
import torch.nn as nn
from mmengine.config import Config

from ..datasets.converters.writer import (OutputError, check_output,
                                          write_atomic)
from ..version import __version__
from .checkpoint_check import describe, facts_text
from .safe_loading import safe_torch_load

#: ``(rule name, source pattern, target template, description)``; the
#: first match wins.
RULES = (
    ('add_coeff', r'backbone\.gcn\.\d+\.tcn\.add_coeff', '{0}',
     'backbone.gcn.<i>.tcn.add_coeff -> same name, first V entries'),
    ('backbone', r'backbone\..+', '{0}', 'backbone.* -> same name'),
    ('classifier', r'cls_head\.fc_cls\.(weight|bias)', 'cls_head.fc.{1}',
     'cls_head.fc_cls.* -> cls_head.fc.*'),
    ('inter projection', r'cls_head\.inter_loss\.cl_fc\.(weight|bias)',
     'cls_head.loss_inter.proj.{1}',
     'cls_head.inter_loss.cl_fc.* -> cls_head.loss_inter.proj.*'),
    ('intra projection', r'cls_head\.intra_loss\.cl_fc\.(weight|bias)',
     'cls_head.loss_intra.proj.{1}',
     'cls_head.intra_loss.cl_fc.* -> cls_head.loss_intra.proj.*'),
)
#: Rules whose tensors only train (the contrastive losses' projections).
TRAINING_ONLY = ('inter projection', 'intra projection')
#: Where the aclnet_mm losses keep their state.
LOSS_PREFIXES = ('cls_head.loss_inter.', 'cls_head.loss_intra.')
#: Source ``meta`` entries copied into the converted checkpoint's meta.
SOURCE_META_KEYS = ('epoch', 'iter', 'mmcv_version', 'time', 'config_name',
                    'aclnet_version')
#: Mismatches named in the error message.
MAX_NAMED = 5

Shape = Tuple[int, ...]


class ReferenceCheckpointError(ValueError):
    """The source is not a reference checkpoint of the config's model."""


def _shape(tensor: torch.Tensor) -> Shape:
    return tuple(tensor.shape)


def _describe(tensor: torch.Tensor) -> str:
    """``[60, 384]``, with the dtype if it is not floating point."""
    kind = '' if tensor.is_floating_point() else f' {tensor.dtype}'
    return f'{list(tensor.shape)}{kind}'


def map_key(key: str) -> Optional[Tuple[str, str]]:
    """The rule name and the aclnet_mm name of a reference tensor name.

    Args:
        key (str): A key of the reference's ``state_dict``.

    Returns:
        tuple[str, str] | None: ``(rule, target key)``, or None when no
        rule of :data:`RULES` matches.
    """
    for rule, pattern, template, _ in RULES:
        match = re.fullmatch(pattern, key)
        if match:
            return rule, template.format(key, *match.groups())
    return None


@dataclass
class Conversion:
    """The converted state dict and the account of every tensor.

    Attributes:
        state_dict (OrderedDict): Every tensor of the target model, in its
            order, ready for ``load_state_dict(strict=True)``.
        mapped (list): ``(source key, target key, rule, note)``.
        not_in_source (list): ``(target key, shape, reason)`` of the target
            tensors the source has no value for (kept at their initial
            value).
        dropped (list): ``(source key, shape, reason)`` of source tensors,
            or parts of them, the target has no place for.
    """
    state_dict: 'OrderedDict[str, torch.Tensor]'
    mapped: List[Tuple[str, str, str, str]] = field(default_factory=list)
    not_in_source: List[Tuple[str, Shape, str]] = field(default_factory=list)
    dropped: List[Tuple[str, Shape, str]] = field(default_factory=list)

    def summary(self, verbose: bool = False) -> List[str]:
        """Lines accounting for every target and every source tensor.

        Args:
            verbose (bool): List every mapped pair, not only the count per
                rule. Defaults to False.
        """
        lines = [f'mapped {len(self.mapped)} tensors:']
        counts: Dict[str, int] = OrderedDict()
        for _, _, rule, _ in self.mapped:
            counts[rule] = counts.get(rule, 0) + 1
        for rule, _, _, text in RULES:
            if rule in counts:
                lines.append(f'  {counts[rule]:4d}  {text}')
        notes = sorted({note for *_, note in self.mapped if note})
        lines += [f'        ({note})' for note in notes]
        if verbose:
            lines += [f'    {s} -> {t}' for s, t, _, _ in self.mapped]
        lines.append(f'not in the source, kept at the initial value of the '
                     f'model ({len(self.not_in_source)}):')
        lines += [
            f'  {k} {list(s)}: {why}' for k, s, why in self.not_in_source
        ]
        lines.append(f'dropped from the source ({len(self.dropped)}):')
        lines += [f'  {k} {list(s)}: {why}' for k, s, why in self.dropped]
        lines.append(
            f'model tensors: {len(self.state_dict)} = {len(self.mapped)} '
            f'mapped + {len(self.not_in_source)} not in the source')
        return lines


def convert_state_dict(source: Mapping[str, torch.Tensor],
                       model: nn.Module,
                       source_name: str = 'the source',
                       config_name: str = 'the config') -> Conversion:
    """Map a reference state dict onto ``model``'s names and shapes.

    Args:
        source (Mapping[str, torch.Tensor]): The reference's
            ``state_dict``.
        model (nn.Module): The aclnet_mm model (its ``state_dict`` gives the
            target names, shapes, dtypes and the values of the tensors the
            source lacks); not modified.
        source_name (str): The source, for messages.
        config_name (str): The config, for messages.

    Returns:
        Conversion: The full target state dict and the accounting.

    Raises:
        ReferenceCheckpointError: If a source tensor has no counterpart or
            another shape, or a target tensor other than the losses' state
            has no source; the message names the first mismatches.
    """
    target = model.state_dict()
    buffers = {name for name, _ in model.named_buffers()}
    out: Dict[str, torch.Tensor] = {}
    conv = Conversion(state_dict=OrderedDict())
    wrong_shape, unknown = [], []
    for key, value in source.items():
        rule_target = map_key(key)
        if rule_target is None:
            unknown.append(f'{key} {list(_shape(value))}: no counterpart in '
                           'the model')
            continue
        rule, dst = rule_target
        if dst not in target:
            if rule in TRAINING_ONLY:
                conv.dropped.append(
                    (key, _shape(value), f'training-only projection; the '
                     f'model of {config_name} has no {dst}'))
            else:
                unknown.append(f'{key} {list(_shape(value))}: the model has '
                               f'no {dst}')
            continue
        want = target[dst]
        note = ''
        if (rule == 'add_coeff' and value.dim() == 1 and want.dim() == 1
                and value.numel() > want.numel()):
            V, S = want.numel(), value.numel()
            note = (f'add_coeff: first {V} of {S} entries; the reference '
                    f'reads only add_coeff[:V]')
            conv.dropped.append(
                (f'{key}[{V}:{S}]', (S - V, ),
                 f'never read: the reference uses add_coeff[:{V}] for '
                 f'V={V} joints'))
            value = value[:V]
        if _shape(value) != _shape(want) or (value.is_floating_point()
                                             != want.is_floating_point()):
            name = '' if dst == key else f'{dst} '
            wrong_shape.append(
                f'{key}: source {_describe(value)}, model {name}'
                f'{_describe(want)}')
            continue
        out[dst] = value.detach().to(device='cpu', dtype=want.dtype).clone()
        conv.mapped.append((key, dst, rule, note))
    missing = []
    for key, value in target.items():
        if key in out:
            continue
        if key.startswith(LOSS_PREFIXES):
            why = ('loss state; the reference keeps it outside its '
                   'checkpoints' if key in buffers else
                   'training-only projection, absent from the source')
            conv.not_in_source.append((key, _shape(value), why))
            out[key] = value.detach().cpu().clone()
        else:
            missing.append(f'{key} {list(_shape(value))}: in the model, not '
                           'in the source')
    problems = wrong_shape + unknown + missing
    if problems:
        hint = ''
        if 'cls_head.fc.weight' in source:
            hint = (' It looks like an aclnet_mm (MMEngine) checkpoint '
                    'already: use it directly.')
        facts = (facts_text(describe(source)),
                 facts_text(describe(model.state_dict())))
        raise ReferenceCheckpointError(
            f'{source_name} does not fit the model of {config_name} '
            f'(source: {facts[0]}; model: {facts[1]}): {len(problems)} '
            'mismatches, first: ' + '; '.join(problems[:MAX_NAMED]) +
            '. Nothing was written.' + hint)
    for key in target:
        conv.state_dict[key] = out[key]
    return conv


def load_reference_state(path: str) -> Tuple[Dict[str, torch.Tensor], Dict]:
    """Read a reference checkpoint with the safe loader.

    Args:
        path (str): A ``.pth`` written by the reference (mmcv 1.x
            ``save_checkpoint``) or a bare state dict.

    Returns:
        tuple[dict, dict]: The state dict (a leading ``module.`` of
        DataParallel stripped) and the ``meta`` (empty if none).

    Raises:
        FileNotFoundError, UnsafeCheckpointError: From
            :func:`~aclnet_mm.engine.safe_loading.safe_torch_load`.
        ReferenceCheckpointError: If it holds no state dict of tensors.
    """
    ckpt = safe_torch_load(path, map_location='cpu')
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else None
    meta = ckpt.get('meta') if isinstance(ckpt, dict) else None
    if not isinstance(state, Mapping) or not state or not all(
            isinstance(k, str) and isinstance(v, torch.Tensor)
            for k, v in state.items()):
        raise ReferenceCheckpointError(
            f'{path} holds no state dict of tensors (expected a checkpoint '
            "{'meta': ..., 'state_dict': {name: tensor}} or a bare "
            '{name: tensor} mapping)')
    if all(k.startswith('module.') for k in state):
        state = {k[len('module.'):]: v for k, v in state.items()}
    return dict(state), meta if isinstance(meta, dict) else {}


def build_model(config: Union[str, Config]) -> nn.Module:
    """Build the (CPU, untrained) model of a config, deterministically.

    The buffers the reference does not save (e.g. the inter loss's random
    initial prototypes) come from a fixed seed, so the same source gives
    the same tensors; the global RNG state is left as it was.
    """
    from mmaction.registry import MODELS
    from mmengine.registry import init_default_scope

    cfg = Config.fromfile(config) if isinstance(config, str) else config
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        return MODELS.build(cfg.model)


def file_sha256(path: str) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


def _source_meta(meta: Mapping) -> Dict:
    """The plain (str/int/float) entries of :data:`SOURCE_META_KEYS`."""
    kept = {}
    for key in SOURCE_META_KEYS:
        value = meta.get(key)
        if isinstance(value, bool):
            continue
        for kind in (int, float, str):
            if isinstance(value, kind):
                kept[key] = kind(value)  # numpy scalars become plain
                break
    return kept


def save_checkpoint_atomic(checkpoint: Dict,
                           path: str,
                           overwrite: bool = False) -> None:
    """``torch.save`` ``checkpoint`` to ``path`` atomically.

    Raises:
        OutputError: See
            :func:`~aclnet_mm.datasets.converters.writer.write_atomic`.
    """
    write_atomic(path, lambda f: torch.save(checkpoint, f), overwrite)


def convert_checkpoint(src: str,
                       dst: str,
                       config: Union[str, Config],
                       overwrite: bool = False) -> Conversion:
    """Convert a reference checkpoint for the model of ``config``.

    Args:
        src (str): The reference's ``.pth``.
        dst (str): The MMEngine checkpoint to write.
        config (str | Config): The aclnet_mm config whose model the weights
            are for (e.g. ``configs/ntu60/aclnet_ntu60-xsub_j.py``).
        overwrite (bool): Replace an existing ``dst``. Defaults to False.

    Returns:
        Conversion: What was mapped, kept and dropped.

    Raises:
        OutputError: ``dst`` exists (without ``overwrite``), is the source,
            or cannot be written. Checked before any work.
        FileNotFoundError, UnsafeCheckpointError: The source cannot be read
            safely.
        ReferenceCheckpointError: The source does not fit the model.
    """
    check_output(dst, overwrite)
    if osp.exists(src) and osp.exists(dst) and osp.samefile(src, dst):
        raise OutputError(f'{dst} is the source checkpoint; write the '
                          'conversion to another file')
    config_name = config if isinstance(config, str) else (config.filename
                                                          or 'the config')
    model = build_model(config)
    state, meta = load_reference_state(src)
    conversion = convert_state_dict(state, model, src, config_name)
    model.load_state_dict(conversion.state_dict, strict=True)
    checkpoint = dict(
        meta=dict(
            converted_from=osp.basename(src),
            sha256=file_sha256(src),
            converter=f'aclnet_mm {__version__} '
            'aclnet_mm.engine.reference_checkpoint',
            config=osp.basename(config_name),
            source_meta=_source_meta(meta),
            mmengine_version=mmengine.__version__,
            time=time.asctime()),
        state_dict=conversion.state_dict)
    save_checkpoint_atomic(checkpoint, dst, overwrite)
    return conversion
