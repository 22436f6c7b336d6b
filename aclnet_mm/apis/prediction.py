"""The result of classifying one skeleton sequence."""
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

import numpy as np


@dataclass
class Prediction:
    """Top-k classes of one sequence, its full scores and its embedding.

    Args:
        labels (list[int]): The ``k`` best labels, best first.
        names (list[str]): Their class names.
        scores (list[float]): Their scores (probabilities for heads with
            ``average_clips='prob'``).
        all_scores (np.ndarray): ``(K, )`` scores of every class, what
            ``mim test`` reports as ``pred_score``.
        embedding (np.ndarray, optional): ``(C, )`` clip-averaged pooled
            feature of heads that keep one (``ACLEmbeddingHead``: gait,
            re-ID); None otherwise. For such models the classes are the
            training identities and the embedding is what matters.
    """

    labels: List[int]
    names: List[str]
    scores: List[float]
    all_scores: np.ndarray
    embedding: Optional[np.ndarray] = None

    @classmethod
    def from_scores(cls,
                    all_scores: np.ndarray,
                    class_names: Sequence[str],
                    topk: int = 5,
                    embedding: Optional[np.ndarray] = None) -> 'Prediction':
        """Build a prediction from the ``(K, )`` scores.

        Ties keep the lower label first (a stable sort).
        """
        all_scores = np.asarray(all_scores, dtype=np.float64)
        order = np.argsort(-all_scores, kind='stable')[:max(1, topk)]
        return cls(
            labels=[int(i) for i in order],
            names=[str(class_names[i]) for i in order],
            scores=[float(all_scores[i]) for i in order],
            all_scores=all_scores,
            embedding=embedding)

    @property
    def label(self) -> int:
        """int: The best label."""
        return self.labels[0]

    @property
    def score(self) -> float:
        """float: The best label's score."""
        return self.scores[0]

    def to_dict(self, all_scores: bool = False) -> Dict:
        """A JSON-ready dict.

        Args:
            all_scores (bool): Include the ``(K, )`` scores.
                Defaults to False.

        Returns:
            dict: ``labels``, ``names``, ``scores`` (and ``all_scores``),
            ``embedding`` (a list, or None).
        """
        out = dict(
            labels=list(self.labels),
            names=list(self.names),
            scores=list(self.scores),
            embedding=None if self.embedding is None else [
                float(x) for x in self.embedding
            ])
        if all_scores:
            out['all_scores'] = [float(x) for x in self.all_scores]
        return out
