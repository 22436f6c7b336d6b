"""Classify skeleton sequences with a trained model.

:class:`SkeletonRecognizer` is the entry point.

The model is MMAction2's ``init_recognizer`` without weights; the
checkpoint loads with the safe loader (``weights_only=True``) and
:func:`~aclnet_mm.engine.load_weights_strict`, which refuses a checkpoint
of another model with one error naming keys and shapes. Each input goes
through the config's test pipeline (the one ``mim test`` runs) and
``model.test_step``, as ``inference_recognizer`` does, so the scores are
those ``mim test`` reports for the same sample. An ``.onnx`` file (from
``tools/deployment/export_onnx.py``) can stand in for the checkpoint: the
pipeline prepares the clips, onnxruntime scores them; its joints,
channels and classes must be the config's.
"""
import os
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose, pseudo_collate
from mmengine.registry import init_default_scope

import aclnet_mm  # noqa: F401  (registers the modules, safe loading)
from aclnet_mm.engine import (CheckpointMismatchError, CorruptCheckpointError,
                              load_weights_strict)
from aclnet_mm.layouts import get_layout
from .file_inputs import read_skeleton_file
from .input_spec import InputSpec, test_pipeline_cfg
from .label_maps import class_names_for
from .prediction import Prediction
from .windows import WindowResult, smooth_timeline, window_bounds


class _OnnxScorer:
    """onnxruntime on the exported graph ``clips -> scores``."""

    def __init__(self, path: str, want: Dict[str, int]) -> None:
        try:
            import onnxruntime as ort
        except ImportError as err:
            raise ImportError(
                f'{path}: an .onnx model needs onnxruntime '
                '(pip install -e ".[deploy]")') from err
        self.path = path
        if not os.path.isfile(path):
            raise FileNotFoundError(f'{path} is not a file')
        try:
            self.session = ort.InferenceSession(
                path, providers=['CPUExecutionProvider'])
        except Exception as err:  # onnxruntime's own error types
            first = (str(err).strip().splitlines() or [''])[0]
            raise CorruptCheckpointError(
                f'{path} cannot be read as an ONNX model ({first})') from None
        clips = self.session.get_inputs()[0].shape
        scores = self.session.get_outputs()[0].shape
        have = dict(V=clips[-2], C=clips[-1], K=scores[-1])
        wrong = [k for k in want
                 if isinstance(have[k], int) and have[k] != want[k]]
        if wrong:
            raise CheckpointMismatchError(
                f'{path} does not fit the config: it takes clips of shape '
                f'{tuple(clips)} and gives scores of shape {tuple(scores)} '
                f'(V={have["V"]} joints, C={have["C"]} channels, '
                f'K={have["K"]} classes); the config has V={want["V"]}, '
                f'C={want["C"]}, K={want["K"]}: is it the export of this '
                'config?')

    def __call__(self, clips: np.ndarray, num_classes: int) -> np.ndarray:
        """``(N, clips, M, T, V, C) -> (N, K)``; checks ``K``."""
        try:
            scores = self.session.run(None, {'clips': clips})[0]
        except Exception as err:  # onnxruntime's own error types
            raise ValueError(f'{self.path}: onnxruntime failed on clips of '
                             f'shape {clips.shape}: {err}') from err
        if scores.ndim != 2 or scores.shape[1] != num_classes:
            raise ValueError(f'{self.path} gives scores of shape '
                             f'{scores.shape}; the config has {num_classes} '
                             'classes: is it the export of this config?')
        return scores


class SkeletonRecognizer:
    """A trained skeleton-action model behind one call per input.

    Args:
        config (str | Config): The model's config file or object.
        checkpoint (str, optional): A ``.pth`` checkpoint (path or URL,
            loaded with ``weights_only=True``) or an exported ``.onnx``
            file. None keeps the initial weights (for tests).
        device (str): Torch device of the model. Defaults to ``'cpu'``.
        label_map (str, optional): A text file with one class name per
            line; see :func:`~aclnet_mm.apis.label_maps.class_names_for`
            for the names used otherwise. Defaults to None.
        batch_size (int): Sequences (or windows) per forward pass.
            Defaults to 8.

    Raises:
        FileNotFoundError: If the checkpoint is not a file.
        CheckpointError: If it cannot be read (``UnsafeCheckpointError``,
            ``CorruptCheckpointError``) or is not of the config's model
            (``CheckpointMismatchError``, naming keys and shapes).

    Examples:
        >>> rec = SkeletonRecognizer('configs/aclnet_demo.py',
        ...                          'work_dirs/aclnet_demo/epoch_12.pth')
        >>> pred = rec.predict(np.zeros((1, 40, 25, 3), np.float32))
        >>> pred.names[0], pred.scores[0]
    """

    def __init__(self,
                 config: Union[str, Config],
                 checkpoint: Optional[str] = None,
                 device: str = 'cpu',
                 label_map: Optional[str] = None,
                 batch_size: int = 8) -> None:
        from mmaction.apis import init_recognizer
        cfg = Config.fromfile(config) if not isinstance(config,
                                                        Config) else config
        self.cfg = cfg
        init_default_scope(cfg.get('default_scope', 'mmaction'))
        self.spec = InputSpec.from_config(cfg)
        self.pipeline = Compose(test_pipeline_cfg(cfg))
        self.batch_size = max(1, int(batch_size))
        self.onnx = None
        num_classes = int(cfg.model.cls_head.num_classes)
        if checkpoint is not None and str(checkpoint).endswith('.onnx'):
            backbone = cfg.model.backbone
            self.onnx = _OnnxScorer(
                str(checkpoint),
                dict(V=get_layout(backbone.graph_cfg.layout).num_node,
                     C=int(backbone.get('in_channels', 3)),
                     K=num_classes))
            self.model = None
        else:
            self.model = init_recognizer(cfg, None, device=device)
            if checkpoint is not None:
                name = getattr(cfg, 'filename', None) or 'the config'
                load_weights_strict(self.model, str(checkpoint),
                                    target=f'the model of {name}')
        self.num_classes = num_classes
        self.class_names = class_names_for(cfg, num_classes, label_map)

    # ----------------------------------------------------------------- core
    def _score(self, annotations: Sequence[Dict]
               ) -> Tuple[np.ndarray, Optional[np.ndarray]]:
        """Scores ``(N, K)`` and embeddings ``(N, C)`` (or None)."""
        scores, embeddings = [], []
        for i in range(0, len(annotations), self.batch_size):
            batch = [self.pipeline(dict(a))
                     for a in annotations[i:i + self.batch_size]]
            if self.onnx is not None:
                clips = np.stack([b['inputs'].numpy() for b in batch])
                scores.append(
                    self.onnx(clips.astype(np.float32), self.num_classes))
                continue
            with torch.no_grad():
                results = self.model.test_step(pseudo_collate(batch))
            for result in results:
                scores.append(result.pred_score.cpu().numpy()[None])
                if 'embedding' in result:
                    embeddings.append(result.embedding.cpu().numpy())
        all_scores = np.concatenate(scores).astype(np.float64)
        emb = np.stack(embeddings) if embeddings else None
        return all_scores, emb

    def _predictions(self, annotations: Sequence[Dict],
                     topk: int) -> List[Prediction]:
        scores, emb = self._score(annotations)
        return [
            Prediction.from_scores(
                s, self.class_names, topk,
                None if emb is None else emb[i]) for i, s in enumerate(scores)
        ]

    # ------------------------------------------------------------ interface
    def predict(self,
                keypoint: np.ndarray,
                keypoint_score: Optional[np.ndarray] = None,
                img_shape: Optional[Tuple[int, int]] = None,
                topk: int = 5,
                name: str = 'keypoint') -> Prediction:
        """Classify one skeleton sequence.

        Args:
            keypoint (np.ndarray): ``(M, T, V, C)`` or ``(T, V, C)``
                (``M = 1``): 3D coordinates (``C = 3``) or 2D pixels
                (``C = 2``), with ``V`` the config's input joints.
            keypoint_score (np.ndarray, optional): ``(M, T, V)`` scores of
                2D keypoints; 1.0 when None. Defaults to None.
            img_shape (tuple[int, int], optional): ``(h, w)`` of the video
                of 2D keypoints. Defaults to None.
            topk (int): Classes returned. Defaults to 5.
            name (str): Name of the input, for messages.

        Returns:
            Prediction: Top-k labels, names, scores, all ``(K, )`` scores
            and the embedding (``ACLEmbeddingHead`` models).

        Raises:
            ValueError: If the input's shape does not fit the config.
        """
        anno = self.spec.annotation(keypoint, keypoint_score, img_shape,
                                    name)
        return self._predictions([anno], topk)[0]

    def predict_many(self,
                     records: Sequence[Dict],
                     topk: int = 5) -> List[Prediction]:
        """Classify records of :func:`read_skeleton_file`, batched.

        Args:
            records (Sequence[dict]): ``name``, ``keypoint`` ``(M, T, V,
                C)``, ``keypoint_score`` ``(M, T, V)`` or None,
                ``img_shape`` or None.
            topk (int): Classes returned. Defaults to 5.

        Returns:
            list[Prediction]: One per record.
        """
        annos = [
            self.spec.annotation(r['keypoint'], r.get('keypoint_score'),
                                 r.get('img_shape'), str(r['name']))
            for r in records
        ]
        return self._predictions(annos, topk) if annos else []

    def read_file(self, path: str) -> List[Dict]:
        """The records of a skeleton file, read for this model's input."""
        return read_skeleton_file(
            path,
            mode=f'{self.spec.num_coords}d',
            max_person=self.spec.num_person)

    def predict_file(self, path: str,
                     topk: int = 5) -> List[Tuple[str, Prediction]]:
        """Classify every sequence of a skeleton file.

        Args:
            path (str): Any file :func:`read_skeleton_file` reads.
            topk (int): Classes returned. Defaults to 5.

        Returns:
            list[tuple[str, Prediction]]: ``(record name, prediction)``.

        Raises:
            SkeletonFileError: If the file cannot be read.
            ValueError: If a record does not fit the config; the message
                names the file and the record.
        """
        records = self.read_file(path)
        annos = [
            self.spec.annotation(r['keypoint'], r['keypoint_score'],
                                 r['img_shape'],
                                 f'{path}: record {r["name"]!r}')
            for r in records
        ]
        preds = self._predictions(annos, topk) if annos else []
        return [(r['name'], p) for r, p in zip(records, preds)]

    def predict_windows(self,
                        keypoint: np.ndarray,
                        keypoint_score: Optional[np.ndarray] = None,
                        img_shape: Optional[Tuple[int, int]] = None,
                        window: int = 48,
                        stride: int = 8,
                        topk: int = 5,
                        name: str = 'keypoint') -> WindowResult:
        """Classify a long sequence in sliding windows.

        Each window ``keypoint[:, start:end]`` goes through the test
        pipeline like a whole sequence (so it is resampled to the config's
        clip length). See :mod:`aclnet_mm.apis.windows` for the windows
        and the timeline rule.

        Args:
            keypoint (np.ndarray): ``(M, T, V, C)`` or ``(T, V, C)``.
            keypoint_score (np.ndarray, optional): ``(M, T, V)``.
            img_shape (tuple[int, int], optional): ``(h, w)``.
            window (int): Frames per window. Defaults to 48.
            stride (int): Frames between window starts. Defaults to 8.
            topk (int): Classes per window prediction. Defaults to 5.
            name (str): Name of the input, for messages.

        Returns:
            WindowResult: Per-window predictions, per-frame labels and
            scores ``(T, )``, and the segments.
        """
        kp, score = self.spec.check(keypoint, keypoint_score, name)
        T = kp.shape[1]
        bounds = window_bounds(T, window, stride)
        annos = [
            self.spec.annotation(
                kp[:, s:e], None if score is None else score[:, s:e],
                img_shape, f'{name}[{s}:{e}]') for s, e in bounds
        ]
        preds = self._predictions(annos, topk)
        labels, frame_scores, segments = smooth_timeline(
            T, bounds, np.stack([p.all_scores for p in preds]),
            self.class_names)
        return WindowResult(
            windows=[(s, e, p) for (s, e), p in zip(bounds, preds)],
            frame_labels=labels,
            frame_scores=frame_scores,
            segments=segments)
