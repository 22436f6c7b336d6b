"""Run a computation in float32 even inside a mixed-precision region."""
import functools
from typing import Callable

import torch


def float32_forward(forward: Callable) -> Callable:
    """Decorate a ``forward(self, feats, ...)`` to run it in float32.

    Under ``torch.autocast`` (``--amp``: fp16 or bf16) the decorated
    forward runs with autocast off and ``feats`` cast to float32, so its
    projections, similarities, ``-inf`` masks and ``logsumexp`` keep full
    precision and the loss state (prototypes, memory) is written from
    float32 values. Outside autocast it is a no-op: float32 inputs are
    passed through unchanged, so the results are bit-identical.
    """

    @functools.wraps(forward)
    def wrapped(self, feats: torch.Tensor, *args, **kwargs):
        device_type = feats.device.type
        if not torch.is_autocast_enabled(device_type):
            return forward(self, feats, *args, **kwargs)
        with torch.autocast(device_type=device_type, enabled=False):
            return forward(self, feats.float(), *args, **kwargs)

    return wrapped
