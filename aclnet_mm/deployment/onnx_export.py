"""ONNX export of the test-time recognizer: backbone + classifier only.

The exported graph maps skeleton clips ``(N, clips, M, T, V, C)`` to the
class scores ``(N, K)`` that ``mim test`` reports: the head's scores per
clip, averaged over clips as the head's ``average_clips`` says (``'prob'``:
softmax first, ACLNet's default). The contrastive losses and their state
are not part of it. Batch, clip and frame counts are dynamic axes; the
class axis of ``scores`` is fixed to ``K``.

Needs ``onnx`` and ``onnxruntime`` (``pip install -e ".[deploy]"``); torch's
TorchScript-based exporter is used (``dynamo=False``), which needs no
``onnxscript``.
"""
import os
import tempfile
import warnings
from typing import Sequence

import numpy as np
import torch
import torch.nn as nn


class ScoringModule(nn.Module):
    """A ``RecognizerGCN`` reduced to ``clips -> class scores``.

    Args:
        recognizer: A built ``RecognizerGCN`` (any backbone, ``ACLHead`` or
            MMAction2's ``GCNHead``).
    """

    def __init__(self, recognizer: nn.Module) -> None:
        super().__init__()
        self.backbone = recognizer.backbone
        self.head = recognizer.cls_head
        self.average_clips = getattr(self.head, 'average_clips', 'prob')

    def forward(self, clips: torch.Tensor) -> torch.Tensor:
        """``(N, clips, M, T, V, C) -> (N, K)`` scores."""
        N, num_clips = clips.shape[:2]
        feats = self.backbone(clips.flatten(0, 1))
        scores = self.head(feats)  # (N * clips, K)
        scores = scores.view(N, num_clips, -1)
        if self.average_clips == 'prob':
            scores = scores.softmax(dim=-1)
        return scores.mean(dim=1)


def export_onnx(recognizer: nn.Module,
                out_file: str,
                example_shape: Sequence[int],
                opset: int = 17) -> str:
    """Export ``recognizer`` (eval mode, on the CPU) to ``out_file``.

    The file is written next to ``out_file`` first and moved into place
    when complete, so a failed export leaves nothing behind; it gets the
    mode a new file gets (``0o666`` less the umask), or keeps the mode of
    the file it replaces.

    Args:
        recognizer: The built and loaded recognizer.
        out_file (str): The ``.onnx`` path.
        example_shape (Sequence[int]): ``(N, clips, M, T, V, C)`` of the
            tracing input; ``N``, ``clips`` and ``T`` stay dynamic.
        opset (int): ONNX opset. Defaults to 17.

    Returns:
        str: ``out_file``.
    """
    import onnx
    module = ScoringModule(recognizer).cpu().eval()
    example = torch.randn(*example_shape)
    with torch.no_grad():
        num_classes = int(module(example).shape[1])
    folder = os.path.dirname(os.path.abspath(out_file))
    fd, tmp = tempfile.mkstemp(suffix='.onnx.part', dir=folder)
    os.close(fd)
    try:
        with warnings.catch_warnings():
            # the TorchScript exporter's deprecation note and tracer notes
            # about shape checks; the result is verified instead
            warnings.simplefilter('ignore')
            torch.onnx.export(
                module, (example, ),
                tmp,
                dynamo=False,
                input_names=['clips'],
                output_names=['scores'],
                dynamic_axes=dict(
                    clips={0: 'batch', 1: 'clips', 3: 'frames'},
                    scores={0: 'batch'}),
                opset_version=opset)
        # the tracer leaves the class axis symbolic ('ReduceMeanscores_
        # dim_1'): it is the head's K
        graph = onnx.load(tmp)
        dim = graph.graph.output[0].type.tensor_type.shape.dim[1]
        dim.Clear()
        dim.dim_value = num_classes
        onnx.checker.check_model(graph)
        onnx.save(graph, tmp)
        os.chmod(tmp, _new_file_mode(out_file))  # mkstemp made it 0600
        os.replace(tmp, out_file)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return out_file


def _new_file_mode(path: str) -> int:
    """The mode ``open(path, 'w')`` would give: kept, or 0o666 - umask."""
    if os.path.exists(path):
        return os.stat(path).st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def onnx_max_abs_diff(onnx_file: str, recognizer: nn.Module,
                      clips: torch.Tensor) -> float:
    """Largest absolute difference of onnxruntime's scores and PyTorch's."""
    import onnxruntime as ort
    session = ort.InferenceSession(onnx_file,
                                   providers=['CPUExecutionProvider'])
    module = ScoringModule(recognizer).cpu().eval()
    with torch.no_grad():
        want = module(clips).numpy()
    got = session.run(None, {'clips': clips.numpy()})[0]
    return float(np.abs(got - want).max())
