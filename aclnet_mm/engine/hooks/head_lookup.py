"""Find the ACL head on a (possibly DDP-wrapped) model."""
from typing import Optional

import torch.nn as nn
from mmengine.model import is_model_wrapper


def find_head(runner, head_attr: str = 'cls_head') -> Optional[nn.Module]:
    """``runner.model.<head_attr>`` (dotted path), unwrapping DDP.

    Returns:
        nn.Module | None: The head, or None if the path does not exist.
    """
    head = runner.model
    if is_model_wrapper(head):
        head = head.module
    for name in head_attr.split('.'):
        head = getattr(head, name, None)
    return head
